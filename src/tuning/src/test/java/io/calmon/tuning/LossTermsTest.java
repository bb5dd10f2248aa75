package io.calmon.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.calmon.clip.ClipModel;
import io.calmon.tuning.outliers.OutlierPool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LossTermsTest {
  private static final List<String> BASE = TinyModels.BASE;
  private static final String TEMPLATE = TinyModels.TEMPLATE;
  private static ClipModel clip;
  private static OutlierPool pool;

  @BeforeAll
  static void load() {
    clip = TinyModels.world(42);
    pool = TinyModels.smallPool(clip);
  }

  @AfterAll
  static void close() {
    clip.close();
  }

  /** Value and gradient (w.r.t. ctx) of the KgCoOp penalty and the DOR term at {@code ctx}. */
  private static float[][] termsAndGradients(float[] ctx, int[] rows) {
    try (PromptLearner learner = new PromptLearner(clip, BASE, 4, ctx, TEMPLATE);
        DorRegularizer dor = new DorRegularizer(clip, pool, 4, 1.0, rows.length, new Random(1));
        NDManager m = clip.manager().newSubManager()) {
      float[][] out = new float[4][];
      for (int term = 0; term < 2; term++) {
        NDArray c = learner.ctxArray(m);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray loss =
              term == 0
                  ? Losses.oneMinusMeanCosine(
                      learner.classFeatures(c), learner.zeroShotClassFeatures(m))
                  : dor.loss(c, rows, new HashMap<>());
          gc.backward(loss);
          out[term * 2] = new float[] {loss.getFloat()};
        }
        out[term * 2 + 1] = c.getGradient().toFloatArray();
      }
      return out;
    }
  }

  private static double maxAbs(float[] a) {
    double m = 0;
    for (float v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  @Test
  void shouldStartKgCoOpAndDorAtZeroWithZeroGradientWhenContextIsTheTemplatesWords() {
    float[] words = io.calmon.clip.prompt.ContextPrompts.initialContext(clip, "a photo of a", 4);
    float[][] atWords = termsAndGradients(words, new int[] {0, 1, 2, 3});
    assertEquals(0.0, atWords[0][0], 1e-6, "KgCoOp penalty at step 0");
    assertEquals(0.0, atWords[2][0], 1e-6, "DOR term at step 0");

    // The same terms elsewhere are clearly non-zero, so the zeros above can fail.
    float[] random =
        PromptLearner.initialContext(
            clip,
            TuningConfig.defaults(TuningMethod.parse("coop")).toBuilder().ctxInit(null).build(),
            new Random(3));
    float[][] elsewhere = termsAndGradients(random, new int[] {0, 1, 2, 3});
    assertTrue(elsewhere[0][0] > 1e-3, "KgCoOp penalty off the template: " + elsewhere[0][0]);
    assertTrue(elsewhere[2][0] > 1e-3, "DOR term off the template: " + elsewhere[2][0]);
    double gradScale = Math.min(maxAbs(elsewhere[1]), maxAbs(elsewhere[3]));
    assertTrue(gradScale > 1e-3, "gradients off the template: " + gradScale);
    assertTrue(maxAbs(atWords[1]) < 1e-3 * gradScale, "KgCoOp grad " + maxAbs(atWords[1]));
    assertTrue(maxAbs(atWords[3]) < 1e-3 * gradScale, "DOR grad " + maxAbs(atWords[3]));
  }

  @Test
  void shouldMatchCentralFiniteDifferencesForTheDorGradient() {
    // float32 model: eps and tolerance as in the clip module's TextGradientTest.
    float[] ctx =
        PromptLearner.initialContext(
            clip,
            TuningConfig.defaults(TuningMethod.parse("coop")).toBuilder()
                .ctxInit(null)
                .ctxInitStd(0.5)
                .build(),
            new Random(7));
    int[] rows = {1, 3, 4};
    float[] grad = termsAndGradients(ctx, rows)[3];
    double eps = 1e-2;
    try (DorRegularizer dor = new DorRegularizer(clip, pool, 4, 1.0, rows.length, new Random(1));
        NDManager m = clip.manager().newSubManager()) {
      int width = ctx.length / 4;
      int checked = 0;
      for (int i = 0; i < ctx.length; i += 13) {
        float[] plus = ctx.clone();
        float[] minus = ctx.clone();
        plus[i] += (float) eps;
        minus[i] -= (float) eps;
        double lp = dor.loss(m.create(plus, new Shape(4, width)), rows, new HashMap<>()).getFloat();
        double lm =
            dor.loss(m.create(minus, new Shape(4, width)), rows, new HashMap<>()).getFloat();
        double numeric = (lp - lm) / (2 * eps);
        assertEquals(numeric, grad[i], 2e-3 * maxAbs(grad) + 1e-5, "d DOR / d ctx[" + i + "]");
        checked++;
      }
      assertTrue(checked >= 8);
      assertTrue(maxAbs(grad) > 1e-3, "gradient is (nearly) zero");
    }
  }

  @Test
  void shouldScaleDorByLambda() {
    float[] ctx =
        PromptLearner.initialContext(
            clip,
            TuningConfig.defaults(TuningMethod.parse("coop")).toBuilder().ctxInit(null).build(),
            new Random(5));
    int[] rows = {0, 2};
    try (DorRegularizer one = new DorRegularizer(clip, pool, 4, 1.0, 2, new Random(1));
        DorRegularizer eight = new DorRegularizer(clip, pool, 4, 8.0, 2, new Random(1));
        NDManager m = clip.manager().newSubManager()) {
      NDArray c = m.create(ctx, new Shape(4, ctx.length / 4));
      Map<String, NDArray> terms = new HashMap<>();
      float a = one.loss(c, rows, terms).getFloat();
      float b = eight.loss(c, rows, terms).getFloat();
      assertEquals(8 * a, b, 1e-5);
      assertEquals(a, terms.get("dor").getFloat(), 1e-6, "terms report the unweighted DOR");
    }
  }
}
