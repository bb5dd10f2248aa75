package io.calmon.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.ClassProbability;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Prediction;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PredictionBuilderTest {

  private static final Instant EVENT_TIME = Instant.parse("2026-01-02T03:04:05.678Z");
  private static final Instant SCORED_AT = Instant.parse("2026-01-02T03:04:06Z");

  private static final ImageEvent EVENT =
      ImageEvent.newBuilder().setEventId("e-1").setEventTime(EVENT_TIME).setDeployment("d").build();

  private static ScoringContext context(long version, Set<String> base, double temperature) {
    // Text features along the axes: an image's cosine with class j is its j-th unit component.
    float[][] text = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    return new ScoringContext(
        version,
        7,
        List.of("cat", "dog", "bird"),
        base,
        text,
        text,
        (float) Math.log(10),
        temperature);
  }

  @Test
  void shouldCopyTheEventAndVersionsAndPickTheArgmax() {
    ScoringContext ctx = context(0, Set.of(), 1.0);
    float[] logits = ctx.logits(new float[][] {{0, 3, 4}})[0]; // cos = (0, .6, .8) -> x10
    Prediction p = new PredictionBuilder(5, 64, "s-1").build(EVENT, ctx, logits, logits, SCORED_AT);
    assertEquals("e-1", p.getEventId());
    assertEquals(EVENT_TIME, p.getEventTime());
    assertEquals(SCORED_AT, p.getScoredAt());
    assertEquals("d", p.getDeployment());
    assertEquals(0, p.getPromptVersion());
    assertEquals(7, p.getClassSetVersion());
    assertEquals("bird", p.getPredictedClass());
    assertEquals(CalibrationGroup.NEW, p.getGroup());
    assertEquals("s-1", p.getScorerId());
    double z = Math.exp(0) + Math.exp(6) + Math.exp(8);
    assertEquals(Math.exp(8) / z, p.getConfidence(), 1e-6);
    List<ClassProbability> top = p.getTopK();
    assertEquals(List.of("bird", "dog", "cat"), top.stream().map(c -> c.getClassName()).toList());
    assertEquals(Math.exp(6) / z, top.get(1).getProbability(), 1e-6);
    assertNotNull(p.getClassProbabilities());
    assertEquals(3, p.getClassProbabilities().size());
    assertEquals(1.0 / z, p.getClassProbabilities().get(0), 1e-6);
  }

  @Test
  void shouldSayBaseOnlyForThePromptVersionsBaseClasses() {
    ScoringContext ctx = context(4, Set.of("cat", "dog"), 1.0);
    PredictionBuilder b = new PredictionBuilder(5, 64, "s");
    Prediction dog = b.build(EVENT, ctx, new float[] {0, 5, 1}, new float[3], SCORED_AT);
    Prediction bird = b.build(EVENT, ctx, new float[] {0, 1, 5}, new float[3], SCORED_AT);
    assertEquals(4, dog.getPromptVersion());
    assertEquals(CalibrationGroup.BASE, dog.getGroup());
    assertEquals(CalibrationGroup.NEW, bird.getGroup());
  }

  @Test
  void shouldApplyTheTemperatureToConfidenceAndTopK() {
    float[] logits = {0, 2, 0};
    Prediction cold =
        new PredictionBuilder(1, 64, "s")
            .build(EVENT, context(1, Set.of(), 1.0), logits, logits, SCORED_AT);
    Prediction warm =
        new PredictionBuilder(1, 64, "s")
            .build(EVENT, context(1, Set.of(), 2.0), logits, logits, SCORED_AT);
    assertEquals(Math.exp(2) / (2 + Math.exp(2)), cold.getConfidence(), 1e-9);
    assertEquals(Math.exp(1) / (2 + Math.exp(1)), warm.getConfidence(), 1e-9);
    assertEquals(1, warm.getTopK().size());
    assertEquals(warm.getConfidence(), warm.getTopK().get(0).getProbability(), 0);
  }

  @Test
  void shouldBreakTiesTowardsTheFirstClassAndReportEntropyAndSumOfSquares() {
    Prediction p =
        new PredictionBuilder(2, 64, "s")
            .build(
                EVENT, context(0, Set.of(), 1.0), new float[] {1, 1, 1}, new float[3], SCORED_AT);
    assertEquals("cat", p.getPredictedClass());
    assertEquals(List.of("cat", "dog"), p.getTopK().stream().map(c -> c.getClassName()).toList());
    assertEquals(Math.log(3), p.getEntropy(), 1e-9);
    assertEquals(1.0 / 3, p.getSumSquaredProbability(), 1e-9);
  }

  @Test
  void shouldLeaveOutTheFullVectorForClassSetsOverTheLimit() {
    Prediction p =
        new PredictionBuilder(5, 2, "s")
            .build(
                EVENT, context(0, Set.of(), 1.0), new float[] {1, 2, 3}, new float[3], SCORED_AT);
    assertNull(p.getClassProbabilities());
    assertEquals(3, p.getTopK().size());
  }

  @Test
  void shouldCarryTheTemplatesProbabilityOfThePredictedClass() {
    // The template's features rotate dog and bird together.
    float[][] template = {{1, 0, 0}, {0, 0.8f, 0.6f}, {0, 0.6f, 0.8f}};
    // Bird: tuned cosines (0, 0, 1), the template's (0, .6, .8).
    Prediction p = tunedAgainst(template, new float[] {0, 0, 1});

    assertEquals("bird", p.getPredictedClass());
    assertEquals(Math.exp(10) / (2 + Math.exp(10)), p.getConfidence(), 1e-6);
    double z = 1 + Math.exp(6) + Math.exp(8);
    assertEquals(Math.exp(8) / z, p.getZeroShotProbability(), 1e-6);
    assertEquals("bird", p.getZeroShotClass());
    assertEquals(Math.exp(8) / z, p.getZeroShotConfidence(), 1e-6);
  }

  @Test
  void shouldCarryTheTemplatesOwnAnswerWhereTheTwoDisagree() {
    float[][] template = {{0.6f, 0.8f, 0}, {0, 0.8f, 0.6f}, {0, 0.6f, 0.8f}};
    // Tuned cosines (.6, .8, 0): dog. The template's (1, .64, .48): cat.
    Prediction p = tunedAgainst(template, new float[] {0.6f, 0.8f, 0});
    double z = Math.exp(10) + Math.exp(6.4) + Math.exp(4.8);
    assertEquals("dog", p.getPredictedClass());
    assertEquals(Math.exp(6.4) / z, p.getZeroShotProbability(), 1e-5);
    assertEquals("cat", p.getZeroShotClass());
    assertEquals(Math.exp(10) / z, p.getZeroShotConfidence(), 1e-5);
  }

  @Test
  void shouldGiveTheTemplateItsOwnConfidenceAsZeroShotProbability() {
    ScoringContext ctx = context(0, Set.of(), 1.0);
    float[][] image = {{0, 3, 4}};
    float[][] logits = ctx.logits(image);
    Prediction p =
        new PredictionBuilder(5, 64, "s")
            .build(EVENT, ctx, logits[0], ctx.zeroShotLogits(image, logits)[0], SCORED_AT);
    assertEquals(p.getConfidence(), p.getZeroShotProbability(), 1e-12);
  }

  /**
   * The prediction for {@code image} of version 3, whose tuned features lie along the axes, with
   * the template's features {@code template}.
   */
  private static Prediction tunedAgainst(float[][] template, float[] image) {
    float[][] tuned = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    ScoringContext ctx =
        new ScoringContext(
            3,
            7,
            List.of("cat", "dog", "bird"),
            Set.of("cat"),
            tuned,
            template,
            (float) Math.log(10),
            1.0);
    float[][] images = {image};
    float[][] logits = ctx.logits(images);
    return new PredictionBuilder(5, 64, "s")
        .build(EVENT, ctx, logits[0], ctx.zeroShotLogits(images, logits)[0], SCORED_AT);
  }
}
