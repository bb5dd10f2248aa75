package io.calmon.clip.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.calmon.clip.ClipException;
import io.calmon.clip.ClipModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ContextPromptsTest {
  private static final List<String> CLASSES = List.of("cat", "red car", "small green tree");
  private static ClipModel clip;

  @BeforeAll
  static void load() {
    clip = ClipModel.load(Path.of("src/test/resources/golden/tiny"));
  }

  @AfterAll
  static void close() {
    clip.close();
  }

  @Test
  void shouldEqualTheHandWrittenPromptWhenTheContextIsTheTemplatesOwnWords() {
    // CoOp initialised from "a photo of a" must start exactly at zero-shot CLIP.
    float[] ctx = ContextPrompts.initialContext(clip, "a photo of a", 4);
    try (ContextPrompts prompts = ContextPrompts.of(clip, CLASSES, 4)) {
      float[][] spliced = prompts.features(ctx);
      float[][] written =
          clip.textFeatures(CLASSES.stream().map(c -> "a photo of a " + c + ".").toList());
      for (int i = 0; i < CLASSES.size(); i++) {
        for (int j = 0; j < written[i].length; j++) {
          assertEquals(written[i][j], spliced[i][j], 1e-5, CLASSES.get(i) + " dim " + j);
        }
      }
    }
  }

  @Test
  void shouldGiveTheSameFeaturesForASubsetOfRowsAsForAllRows() {
    // DOR draws a few outliers from a large pool each step: a subset must equal the full rows.
    float[] ctx = ContextPrompts.initialContext(clip, "a drawing of a", 4);
    try (ContextPrompts prompts = ContextPrompts.of(clip, CLASSES, 4);
        NDManager m = clip.manager().newSubManager()) {
      float[][] all = prompts.features(ctx);
      NDArray c = m.create(ctx, new Shape(4, prompts.width()));
      float[] subset = prompts.features(c, new int[] {2, 0}).toFloatArray();
      int d = all[0].length;
      for (int j = 0; j < d; j++) {
        assertEquals(all[2][j], subset[j], 1e-5, "row 2 dim " + j);
        assertEquals(all[0][j], subset[d + j], 1e-5, "row 0 dim " + j);
      }
      assertThrows(IndexOutOfBoundsException.class, () -> prompts.features(c, new int[] {3}));
    }
  }

  @Test
  void shouldDifferForAnotherContext() {
    float[] photo = ContextPrompts.initialContext(clip, "a photo of a", 4);
    float[] drawing = ContextPrompts.initialContext(clip, "a drawing of a", 4);
    try (ContextPrompts prompts = ContextPrompts.of(clip, CLASSES, 4)) {
      float[][] a = prompts.features(photo);
      float[][] b = prompts.features(drawing);
      double diff = 0;
      for (int j = 0; j < a[0].length; j++) {
        diff += Math.abs(a[0][j] - b[0][j]);
      }
      assertTrue(diff > 1e-3, "context must change the features: " + diff);
    }
  }

  @Test
  void shouldPassGradientsToTheContext() {
    try (ContextPrompts prompts = ContextPrompts.of(clip, CLASSES, 2);
        NDManager m = clip.manager().newSubManager()) {
      NDArray ctx =
          m.randomNormal(
              0, 0.02f, new Shape(2, prompts.width()), ai.djl.ndarray.types.DataType.FLOAT32);
      ctx.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray features = prompts.features(ctx);
        assertEquals(new Shape(3, clip.config().projectionDim()), features.getShape());
        gc.backward(features.sum());
      }
      NDArray grad = ctx.getGradient();
      assertNotNull(grad);
      assertTrue(grad.abs().sum().getFloat() > 0, "gradient reaches the context");
    }
  }

  @Test
  void shouldRejectAnInitialisationOfTheWrongLength() {
    ClipException e =
        assertThrows(ClipException.class, () -> ContextPrompts.initialContext(clip, "a photo", 4));
    assertTrue(e.getMessage().contains("n_ctx is 4"), e.getMessage());
  }
}
