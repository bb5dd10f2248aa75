package io.calmon.tuning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.calmon.clip.ClipModel;
import io.calmon.tuning.outliers.OutlierPool;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gradient of a full KgCoOp+DOR step must not depend on when the garbage collector runs. It
 * did: scale factors of the losses and of the text encoder were freed before backward, which made
 * {@code shouldRepeatARunWithTheSameSeedAndDifferWithAnother} fail once with a NaN confidence.
 */
class StepGradientTest {
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

  @Test
  void shouldGiveTheSameStepGradientWhenGarbageIsCollectedBeforeBackward() {
    float[] quiet = stepGradient(false);
    float[] collected = stepGradient(true);
    assertTrue(Float.isFinite(quiet[0]), "gradient " + quiet[0]);
    assertArrayEquals(quiet, collected);
  }

  private static float[] stepGradient(boolean collectBeforeBackward) {
    TuningConfig config = TuningConfig.defaults(TuningMethod.parse("kgcoop+dor"));
    Random rng = new Random(5);
    float[] ctx = PromptLearner.initialContext(clip, config, rng);
    float[][] images = clip.textFeatures(BASE.stream().map(c -> "a sketch of a " + c).toList());
    try (PromptLearner learner = new PromptLearner(clip, BASE, 4, ctx, TEMPLATE);
        DorRegularizer dor = new DorRegularizer(clip, pool, 4, 2.0, 4, rng);
        NDManager m = clip.manager().newSubManager()) {
      TuningStep step = new TuningStep(m, learner, images, new int[] {0, 1, 2, 3});
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray total =
            config
                .method()
                .hostLoss(config)
                .loss(step, new LinkedHashMap<>())
                .add(dor.loss(step, new LinkedHashMap<>()));
        List<ByteBuffer> scribbles =
            collectBeforeBackward ? FreedMemory.collectAndScribble() : List.of();
        gc.backward(total);
        scribbles.size(); // the scribbles must outlive backward
      }
      return step.ctx().getGradient().toFloatArray();
    }
  }
}
