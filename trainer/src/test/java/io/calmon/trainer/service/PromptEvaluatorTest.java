package io.calmon.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.trainer.loop.PublishGate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptEvaluatorTest {

  private static final float[][] TEXT = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  private static final List<String> CLASSES = List.of("cat", "dog", "bird");

  @Test
  void shouldScoreHeldOutExamplesOverTheFullClassSet() {
    Map<String, List<float[]>> heldOut = new LinkedHashMap<>();
    heldOut.put("cat", List.of(new float[] {2, 0, 0}, new float[] {0, 0, 3}));
    heldOut.put("bird", List.of(new float[] {0, 0, 1}));
    PublishGate.Evaluation e = PromptEvaluator.evaluate(CLASSES, TEXT, 100, 1, heldOut, 15);
    assertEquals(3, e.n());
    assertEquals(2.0 / 3, e.accuracy(), 1e-9);
    // Confidence ~1 on all three (scale 100): two right, one wrong -> ECE ~ 1/3.
    assertEquals(1.0 / 3, e.ece(), 1e-6);
  }

  @Test
  void shouldSoftenConfidenceWithTheTemperature() {
    Map<String, List<float[]>> heldOut = Map.of("cat", List.of(new float[] {1, 0.5f, 0}));
    PublishGate.Evaluation sharp = PromptEvaluator.evaluate(CLASSES, TEXT, 100, 1, heldOut, 15);
    PublishGate.Evaluation soft = PromptEvaluator.evaluate(CLASSES, TEXT, 100, 50, heldOut, 15);
    assertEquals(1.0, sharp.accuracy());
    assertEquals(1.0, soft.accuracy());
    // Always right: ECE = 1 - confidence, larger when the temperature flattens the softmax.
    assertTrue(soft.ece() > sharp.ece() + 0.1, sharp.ece() + " vs " + soft.ece());
  }

  @Test
  void shouldLeaveOutClassesMissingFromTheClassSet() {
    Map<String, List<float[]>> heldOut =
        Map.of("fish", List.of(new float[] {1, 0, 0}), "dog", List.of(new float[] {0, 1, 0}));
    PublishGate.Evaluation e = PromptEvaluator.evaluate(CLASSES, TEXT, 10, 1, heldOut, 15);
    assertEquals(1, e.n());
    assertEquals(1.0, e.accuracy());
  }

  @Test
  void shouldReportNoExamplesAsNaN() {
    PublishGate.Evaluation e = PromptEvaluator.evaluate(CLASSES, TEXT, 10, 1, Map.of(), 15);
    assertEquals(0, e.n());
    assertTrue(Double.isNaN(e.accuracy()));
  }
}
