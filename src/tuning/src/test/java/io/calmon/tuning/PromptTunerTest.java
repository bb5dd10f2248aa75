package io.calmon.tuning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.clip.ClipModel;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.tuning.outliers.ClassNameFilter;
import io.calmon.tuning.outliers.OutlierPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PromptTunerTest {
  private static final List<String> BASE =
      List.of("red circle", "blue square", "green triangle", "yellow star");
  private static ClipModel clip;
  private static FewShotFeatures data;
  private static OutlierPool pool;

  @BeforeAll
  static void setUp() {
    clip = TinyModels.world(42);
    // A small problem with a gap the context can close: "images" are noisy text features of
    // "a drawing of a <class>." while the prompts start from "a photo of a".
    Random rng = new Random(11);
    List<float[][]> train = new ArrayList<>();
    List<float[][]> val = new ArrayList<>();
    float[][] centres =
        clip.textFeatures(BASE.stream().map(c -> "a sketch of a " + c + ".").toList());
    for (float[] centre : centres) {
      train.add(noisy(centre, 8, rng));
      val.add(noisy(centre, 4, rng));
    }
    data = new FewShotFeatures(BASE, train, val);
    pool =
        OutlierPool.build(
            clip,
            List.of("tree", "house", "flower", "fish", "cloud", "boat", "kite"),
            new ClassNameFilter(BASE),
            BASE,
            "a photo of a {}.",
            4,
            100);
  }

  private static float[][] noisy(float[] centre, int n, Random rng) {
    double norm = 0;
    for (float v : centre) {
      norm += v * v;
    }
    double sd = Math.sqrt(norm / centre.length);
    float[][] out = new float[n][centre.length];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < centre.length; j++) {
        out[i][j] = (float) (centre[j] + 0.5 * sd * rng.nextGaussian());
      }
    }
    return out;
  }

  @AfterAll
  static void close() {
    clip.close();
  }

  private static TuningConfig adam(String method, int epochs) {
    return TuningConfig.defaults(TuningMethod.parse(method)).toBuilder()
        .optimizer(OptimizerKind.ADAM)
        .lr(0.01)
        .epochs(epochs)
        .warmupEpochs(0)
        .batchSize(8)
        .build();
  }

  @Test
  void shouldLowerTheCrossEntropyInAShortRun() {
    List<Double> ce = new ArrayList<>();
    new PromptTuner(clip, "tiny")
        .run(
            data,
            adam("coop", 6).toBuilder().lr(0.05).build(),
            null,
            (e, n, lr, terms, t) -> ce.add(terms.get("ce")));
    assertEquals(6, ce.size());
    assertTrue(ce.get(ce.size() - 1) < 0.85 * ce.get(0), "cross-entropy did not fall: " + ce);
  }

  @Test
  void shouldReportTheTunedContextsAccuracyOnItsOwnTrainingShots() {
    TuningConfig config = adam("coop", 6).toBuilder().lr(0.05).build();
    TuningResult tuned = new PromptTuner(clip, "tiny").run(data, config, null, TuningProgress.NONE);
    // Independently: the tuned context's class features, and the nearest class of every shot.
    float[][] text;
    try (PromptLearner learner =
        new PromptLearner(clip, BASE, config.nCtx(), tuned.ctx(), config.template())) {
      text = learner.currentClassFeatures();
    }
    int right = 0;
    int n = 0;
    for (int c = 0; c < data.train().size(); c++) {
      for (float[] x : data.train().get(c)) {
        int best = 0;
        for (int k = 1; k < text.length; k++) {
          if (dot(x, text[k]) > dot(x, text[best])) {
            best = k;
          }
        }
        right += best == c ? 1 : 0;
        n++;
      }
    }
    assertEquals((double) right / n, tuned.metrics().get("train_acc"), 1e-9);
    assertTrue(tuned.metrics().get("train_ece") >= 0);
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  @Test
  void shouldRepeatARunWithTheSameSeedAndDifferWithAnother() {
    PromptTuner tuner = new PromptTuner(clip, "tiny");
    TuningConfig config = adam("coop+dor", 1);
    float[] a = tuner.run(data, config, pool, TuningProgress.NONE).ctx();
    float[] b = tuner.run(data, config, pool, TuningProgress.NONE).ctx();
    float[] c = tuner.run(data, config.withSeed(2), pool, TuningProgress.NONE).ctx();
    assertArrayEquals(a, b);
    assertFalse(java.util.Arrays.equals(a, c));
  }

  @Test
  void shouldReportEveryTermOfKgCoOpWithDor() {
    List<java.util.Set<String>> keys = new ArrayList<>();
    new PromptTuner(clip, "tiny")
        .run(data, adam("kgcoop+dor", 1), pool, (e, n, lr, t, d) -> keys.add(t.keySet()));
    assertEquals(java.util.Set.of("total", "ce", "kg", "dor"), keys.get(0));
  }

  @Test
  void shouldWriteAPromptVersionThatRoundTripsThroughAvro() {
    TuningConfig config = adam("coop+dor", 1).toBuilder().temperatureScaling(true).build();
    PromptVersion v = new PromptTuner(clip, "tiny").tune(data, config, pool);
    PromptVersion back =
        AvroCodec.of(PromptVersion.class).decode(AvroCodec.of(PromptVersion.class).encode(v));
    assertEquals("coop+dor", back.getMethod());
    assertEquals(4, back.getNCtx());
    assertEquals(4 * 32, back.getContextVectors().size());
    assertEquals(32, back.getCtxDim());
    assertEquals(BASE, back.getBaseClasses());
    assertEquals("8.0", back.getHyperParameters().get("lambda"));
    assertEquals("4", back.getHyperParameters().get("outlier_batch"));
    assertEquals("unknown", back.getWeightsSha256(), "a random model has no weights file");
    assertTrue(back.getMetrics().containsKey("val_base_ece"));
    assertTrue(back.getTemperature() > 0);
  }

  @Test
  void shouldRefuseDorWithoutAPool() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new PromptTuner(clip, "tiny")
                .run(data, adam("coop+dor", 1), null, TuningProgress.NONE));
  }

  @Test
  void shouldNameTheKnownMethodsForAnUnknownOne() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TuningMethod.parse("maple+dor"));
    assertTrue(e.getMessage().contains("kgcoop+dor"), e.getMessage());
    assertEquals(8.0, TuningMethod.parse("coop+dor").defaultLambda());
    assertEquals(2.0, TuningMethod.parse("kgcoop+dor").defaultLambda());
  }
}
