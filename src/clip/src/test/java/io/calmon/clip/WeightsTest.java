package io.calmon.clip;

import static io.calmon.clip.Golden.assertClose;
import static io.calmon.clip.Golden.flat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.clip.text.PromptTooLongException;
import io.calmon.clip.weights.SafeTensors;
import io.calmon.clip.weights.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loading and saving model directories, F16/BF16 weights, and the errors that name a problem. */
class WeightsTest {

  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({"tiny-f16, -f16", "tiny-bf16, -bf16", "tiny-gelu, ''"})
  void shouldMatchTheReferenceForHalfPrecisionWeightsAndGelu(String dir, String suffix) {
    String fixture = dir.startsWith("tiny-gelu") ? "tiny-gelu" : "tiny";
    Map<String, Tensor> expected = Golden.expected(fixture);
    try (ClipModel model = ClipModel.load(Golden.path(dir))) {
      float[][] text = model.textFeaturesFromIds(Golden.ids(expected.get("input_ids")));
      assertClose(expected.get("text_features" + suffix).data(), flat(text), 1e-4, dir + " text");
      float[] pixels = expected.get("pixel_values").data();
      int per = pixels.length / 2;
      float[][] image =
          model.imageFeatures(
              List.of(
                  Arrays.copyOfRange(pixels, 0, per), Arrays.copyOfRange(pixels, per, 2 * per)));
      assertClose(
          expected.get("image_features" + suffix).data(), flat(image), 1e-4, dir + " image");
    }
  }

  @Test
  void shouldConvertHalfAndBfloat16BitsExactly() {
    assertEquals(1.0f, halfToFloat(0x3c00));
    assertEquals(-2.0f, halfToFloat(0xc000));
    assertEquals(65504f, halfToFloat(0x7bff));
    assertEquals(0x1p-24f, halfToFloat(0x0001));
    assertEquals(Float.POSITIVE_INFINITY, halfToFloat(0x7c00));
    assertTrue(Float.isNaN(halfToFloat(0x7e00)));
    assertEquals(1.0f, bf16ToFloat(0x3f80));
    assertEquals(-3.140625f, bf16ToFloat(0xc049));
  }

  @Test
  void shouldSaveADirectoryThatLoadsToTheSameModel() throws IOException {
    Map<String, Tensor> expected = Golden.expected("tiny");
    long[][] ids = Golden.ids(expected.get("input_ids"));
    Path saved = tmp.resolve("saved");
    try (ClipModel original = ClipModel.load(Golden.path("tiny-f16"))) {
      String sha = original.save(saved);
      assertEquals(SafeTensors.sha256(saved.resolve(ClipModel.WEIGHTS)), sha);
      try (ClipModel reloaded = ClipModel.load(saved)) {
        assertEquals(sha, reloaded.weightsSha256().orElseThrow());
        assertEquals(original.config(), reloaded.config());
        assertEquals(original.logitScale(), reloaded.logitScale());
        assertArrayEquals(
            flat(original.textFeaturesFromIds(ids)), flat(reloaded.textFeaturesFromIds(ids)));
        assertArrayEquals(
            original.tokenizer().orElseThrow().encode("a photo of a cat ."),
            reloaded.tokenizer().orElseThrow().encode("a photo of a cat ."));
      }
    }
  }

  @Test
  void shouldNameAMissingTensorWithItsExpectedShape() throws IOException {
    Path dir = copyWithTensors(t -> !t.name().equals("text_model.final_layer_norm.bias"));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ClipModel.load(dir));
    assertTrue(
        e.getMessage().contains("missing tensor text_model.final_layer_norm.bias"), e::getMessage);
    assertTrue(e.getMessage().contains("(32)"), e::getMessage);
  }

  @Test
  void shouldNameAMisShapedTensorWithBothShapes() throws IOException {
    Path dir = copyWithTensors(t -> true);
    List<Tensor> tensors = new ArrayList<>(read(dir).values());
    tensors.replaceAll(
        t ->
            t.name().equals("visual_projection.weight")
                ? new Tensor(t.name(), new long[] {32, 24}, t.data())
                : t);
    SafeTensors.write(dir.resolve(ClipModel.WEIGHTS), tensors);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ClipModel.load(dir));
    assertTrue(
        e.getMessage().contains("visual_projection.weight has shape (32, 24), expected (24, 32)"),
        e::getMessage);
  }

  @Test
  void shouldRejectATruncatedWeightsFile() throws IOException {
    Path dir = copyWithTensors(t -> true);
    Path weights = dir.resolve(ClipModel.WEIGHTS);
    byte[] bytes = Files.readAllBytes(weights);
    Files.write(weights, Arrays.copyOf(bytes, bytes.length - 100));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ClipModel.load(dir));
    assertTrue(e.getMessage().contains("truncated"), e::getMessage);
    Files.write(weights, Arrays.copyOf(bytes, 5));
    assertThrows(ModelFormatException.class, () -> ClipModel.load(dir));
    Files.write(weights, "garbage that is no header at all".getBytes());
    assertThrows(ModelFormatException.class, () -> ClipModel.load(dir));
  }

  @Test
  void shouldRejectAnUnknownActivationListingTheKnownOnes() throws IOException {
    Path dir = copyWithTensors(t -> true);
    rewriteConfig(dir, "\"quick_gelu\"", "\"swish\"");
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ClipModel.load(dir));
    assertTrue(e.getMessage().contains("unknown hidden_act 'swish'"), e::getMessage);
    assertTrue(e.getMessage().contains("quick_gelu, gelu"), e::getMessage);
  }

  @Test
  void shouldRejectWeightsWithMoreLayersThanTheConfig() throws IOException {
    Path dir = copyWithTensors(t -> true);
    rewriteConfig(dir, "\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1");
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ClipModel.load(dir));
    assertTrue(e.getMessage().contains("unexpected tensor"), e::getMessage);
    assertTrue(e.getMessage().contains("layers.1."), e::getMessage);
  }

  @Test
  void shouldRejectAMissingDirectoryOrFile() throws IOException {
    assertThrows(ModelFormatException.class, () -> ClipModel.load(tmp.resolve("nope")));
    Path dir = copyWithTensors(t -> true);
    Files.delete(dir.resolve(ClipModel.WEIGHTS));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ClipModel.load(dir));
    assertTrue(e.getMessage().contains("model.safetensors"), e::getMessage);
  }

  @Test
  void shouldRejectAPromptLongerThanTheContextNamingIt() {
    try (ClipModel model = ClipModel.load(Golden.path("tiny"))) {
      String prompt = "a photo of a " + "big ".repeat(12) + "cat";
      PromptTooLongException e =
          assertThrows(PromptTooLongException.class, () -> model.textFeatures(List.of(prompt)));
      assertTrue(e.getMessage().contains(prompt), e::getMessage);
      assertTrue(e.getMessage().contains("context length 16"), e::getMessage);
    }
  }

  @Test
  void shouldReadHuggingFaceDefaultsForMissingConfigKeys() throws IOException {
    Path file = tmp.resolve("config.json");
    Files.writeString(file, "{\"vision_config\": {\"patch_size\": 16}}");
    assertEquals(ClipConfig.vitB16(), ClipConfig.read(file));
    Files.writeString(file, "{}");
    assertEquals(ClipConfig.vitB32(), ClipConfig.read(file));
  }

  private Path copyWithTensors(java.util.function.Predicate<Tensor> keep) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "model");
    Path src = Golden.path("tiny");
    for (String f : List.of(ClipModel.CONFIG, ClipModel.TOKENIZER)) {
      Files.copy(src.resolve(f), dir.resolve(f));
    }
    List<Tensor> kept = new ArrayList<>();
    read(src).values().stream().filter(keep).forEach(kept::add);
    SafeTensors.write(dir.resolve(ClipModel.WEIGHTS), kept);
    return dir;
  }

  private static Map<String, Tensor> read(Path dir) {
    return SafeTensors.read(dir.resolve(ClipModel.WEIGHTS)).tensors();
  }

  private static void rewriteConfig(Path dir, String from, String to) throws IOException {
    Path config = dir.resolve(ClipModel.CONFIG);
    String text = Files.readString(config);
    assertTrue(text.contains(from), "fixture config lacks " + from);
    Files.writeString(config, text.replace(from, to));
  }

  private static float halfToFloat(int bits) {
    return SafeTensors.halfToFloat((short) bits);
  }

  private static float bf16ToFloat(int bits) {
    return SafeTensors.bfloat16ToFloat((short) bits);
  }
}
