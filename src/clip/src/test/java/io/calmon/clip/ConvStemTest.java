package io.calmon.clip;

import static io.calmon.clip.Golden.assertClose;
import static io.calmon.clip.Golden.flat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.clip.nn.Activation;
import io.calmon.clip.weights.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vision tower with calmon's convolutional stem ({@code conv_stem_channels}) against the
 * independent torch.nn reference (scripts/make_golden.py, fixture {@code tiny-stem}).
 */
class ConvStemTest {

  @TempDir Path tmp;

  @Test
  void shouldMatchTheReferenceImageFeaturesWithAConvolutionalStem() {
    Map<String, Tensor> expected = Golden.expected("tiny-stem");
    try (ClipModel model = ClipModel.load(Golden.path("tiny-stem"))) {
      assertEquals(List.of(8, 12), model.config().vision().convStem());
      assertEquals(2, model.config().vision().patchKernel());
      assertTrue(model.slots().containsKey("vision_model.embeddings.conv_stem.1.norm.running_var"));
      float[] pixels = expected.get("pixel_values").data();
      int per = pixels.length / 2;
      float[][] image =
          model.imageFeatures(
              List.of(
                  Arrays.copyOfRange(pixels, 0, per), Arrays.copyOfRange(pixels, per, 2 * per)));
      assertClose(expected.get("image_features").data(), flat(image), 1e-4, "stem image features");
      float[][] text = model.textFeaturesFromIds(Golden.ids(expected.get("input_ids")));
      assertClose(expected.get("text_features").data(), flat(text), 1e-4, "stem text features");
    }
  }

  @Test
  void shouldNormaliseWithTheBatchAndUpdateRunningStatisticsInTraining() {
    Map<String, Tensor> expected = Golden.expected("tiny-stem");
    try (ClipModel model = ClipModel.load(Golden.path("tiny-stem"))) {
      assertTrue(
          model.trainableParameters().keySet().stream().noneMatch(n -> n.contains("running")),
          "running statistics are not trained");
      float[] pixels = expected.get("pixel_values").data();
      int per = pixels.length / 2;
      List<float[]> batch =
          List.of(Arrays.copyOfRange(pixels, 0, per), Arrays.copyOfRange(pixels, per, 2 * per));
      model.setTrainable(true);
      float[][] training = model.imageFeatures(batch);
      model.setTrainable(false);
      assertClose(
          expected.get("image_features_training").data(),
          flat(training),
          1e-4,
          "training-mode image features");
      for (int i = 0; i < 2; i++) {
        String name = "vision_model.embeddings.conv_stem." + i + ".norm.running_";
        assertClose(
            expected.get("stem" + i + "_running_mean_after").data(),
            model.slots().get(name + "mean").parameter().getArray().toFloatArray(),
            1e-5,
            "running mean " + i);
        assertClose(
            expected.get("stem" + i + "_running_var_after").data(),
            model.slots().get(name + "var").parameter().getArray().toFloatArray(),
            1e-5,
            "running variance " + i);
      }
      assertTrue(!model.imageEncoder().isTraining());
    }
  }

  @Test
  void shouldLeaveNoArraysInTheModelsManagerPerForward() {
    // Views of the BatchNorm parameters made in the parameters' manager survived every forward.
    Map<String, Tensor> expected = Golden.expected("tiny-stem");
    try (ClipModel model = ClipModel.load(Golden.path("tiny-stem"))) {
      float[] pixels = expected.get("pixel_values").data();
      List<float[]> batch = List.of(Arrays.copyOfRange(pixels, 0, pixels.length / 2));
      model.imageFeatures(batch);
      int before = ai.djl.ndarray.ManagedResources.count(model.manager());
      for (boolean training : new boolean[] {false, true, false}) {
        model.imageEncoder().setTraining(training);
        model.imageFeatures(batch);
      }
      assertEquals(before, ai.djl.ndarray.ManagedResources.count(model.manager()));
    }
  }

  @Test
  void shouldSaveAndReloadTheStem() throws IOException {
    Path saved = tmp.resolve("saved");
    try (ClipModel original = ClipModel.load(Golden.path("tiny-stem"))) {
      original.save(saved);
      try (ClipModel reloaded = ClipModel.load(saved)) {
        assertEquals(original.config(), reloaded.config());
      }
    }
    assertTrue(Files.readString(saved.resolve(ClipModel.CONFIG)).contains("conv_stem_channels"));
  }

  @Test
  void shouldNameAMissingStemTensor() throws IOException {
    // A stem in the config but weights without it (e.g. a plain CLIP checkpoint): the error
    // names the first stem tensor the loader looked for.
    Path dir = tmp.resolve("stemless");
    Files.createDirectories(dir);
    Path plain = Golden.path("tiny-gelu");
    Files.copy(plain.resolve(ClipModel.WEIGHTS), dir.resolve(ClipModel.WEIGHTS));
    Files.copy(Golden.path("tiny-stem").resolve(ClipModel.CONFIG), dir.resolve(ClipModel.CONFIG));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ClipModel.load(dir));
    assertTrue(
        e.getMessage().contains("vision_model.embeddings.conv_stem.0.conv.weight"), e.getMessage());
  }

  @Test
  void shouldRejectAStemThatDoesNotDivideThePatch() {
    ModelFormatException e =
        assertThrows(
            ModelFormatException.class,
            () ->
                new VisionConfig(16, 48, 4, 1, 32, 4, 3, Activation.GELU, 1e-5f, List.of(8, 8, 8)));
    assertTrue(e.getMessage().contains("conv_stem_channels"), e.getMessage());
    assertTrue(e.getMessage().contains("patch_size 4"), e.getMessage());
  }

  @Test
  void shouldRejectAStemThatIsNotAListOfIntegers() throws IOException {
    Path config = tmp.resolve("config.json");
    Files.writeString(
        config,
        Files.readString(Golden.path("tiny-stem").resolve(ClipModel.CONFIG))
            .replaceFirst(
                "\"conv_stem_channels\": \\[[^\\]]*\\]", "\"conv_stem_channels\": \"8\""));
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> ClipConfig.read(config));
    assertTrue(e.getMessage().contains("conv_stem_channels"), e.getMessage());
  }

  @Test
  void shouldCountTheStemInTheFlops() {
    VisionConfig plain = new VisionConfig(16, 48, 4, 1, 32, 8, 3, Activation.GELU, 1e-5f);
    VisionConfig stem =
        new VisionConfig(16, 48, 4, 1, 32, 8, 3, Activation.GELU, 1e-5f, List.of(8, 12));
    double plainFlops = new io.calmon.clip.nn.ImageEncoder(plain, 8).flopsPerImage();
    double stemFlops = new io.calmon.clip.nn.ImageEncoder(stem, 8).flopsPerImage();
    // conv 3->8 on 16x16, conv 8->12 on 8x8 (9 taps each), patch 2x2x12 instead of 8x8x3.
    double macs = 16 * 16 * 8 * 3 * 9 + 8 * 8 * 12 * 8 * 9 + 16 * (12 * 2 * 2 - 3 * 8 * 8) * 16;
    assertEquals(2 * macs, stemFlops - plainFlops, 1e-6);
  }
}
