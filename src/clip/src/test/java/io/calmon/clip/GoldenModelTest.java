package io.calmon.clip;

import static io.calmon.clip.Golden.assertClose;
import static io.calmon.clip.Golden.flat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.calmon.clip.nn.TextEncoder;
import io.calmon.clip.weights.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java forward against the independent torch.nn reference (scripts/make_golden.py). */
class GoldenModelTest {

  private static final double TOL = 1e-4;
  private static ClipModel model;
  private static Map<String, Tensor> expected;

  @BeforeAll
  static void load() {
    model = ClipModel.load(Golden.path("tiny"));
    expected = Golden.expected("tiny");
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void shouldMatchReferenceImageFeatures() {
    Tensor pixels = expected.get("pixel_values");
    int per = 3 * 32 * 32;
    List<float[]> images =
        IntStream.range(0, 2)
            .mapToObj(i -> java.util.Arrays.copyOfRange(pixels.data(), i * per, (i + 1) * per))
            .collect(Collectors.toList());
    float[][] features = model.imageFeatures(images);
    assertClose(expected.get("image_features").data(), flat(features), TOL, "image features");
  }

  @Test
  void shouldMatchReferenceTextFeaturesFromIds() {
    float[][] features = model.textFeaturesFromIds(Golden.ids(expected.get("input_ids")));
    assertClose(expected.get("text_features").data(), flat(features), TOL, "text features");
  }

  @Test
  void shouldTokenizePromptsAsTheReferenceDid() throws IOException {
    var json =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(Files.readString(Golden.path("tiny-prompts.json")));
    List<String> prompts = new java.util.ArrayList<>();
    json.get("prompts").forEach(p -> prompts.add(p.asText()));
    long[][] ids = model.tokenizer().orElseThrow().encode(prompts);
    long[][] want = Golden.ids(expected.get("input_ids"));
    for (int i = 0; i < want.length; i++) {
      assertArrayEquals(want[i], ids[i], "prompt " + prompts.get(i));
    }
    float[][] features = model.textFeatures(prompts);
    assertClose(expected.get("text_features").data(), flat(features), TOL, "text features");
  }

  @Test
  void shouldMatchReferenceTextFeaturesFromSplicedContext() {
    try (NDManager m = model.manager().newSubManager()) {
      NDArray features = splicedContextFeatures(m, Golden.array(m, expected.get("ctx")), true);
      assertClose(
          expected.get("ctx_text_features").data(),
          features.toFloatArray(),
          TOL,
          "ctx text features");
    }
  }

  @Test
  void shouldGiveTheSameFeaturesWithAndWithoutTheEndOfTextCut() {
    try (NDManager m = model.manager().newSubManager()) {
      NDArray ctx = Golden.array(m, expected.get("ctx"));
      float[] cut = splicedContextFeatures(m, ctx, true).toFloatArray();
      float[] uncut = splicedContextFeatures(m, ctx, false).toFloatArray();
      assertClose(uncut, cut, 1e-6, "cut vs uncut");
    }
  }

  @Test
  void shouldMatchReferenceLogits() {
    Tensor pixels = expected.get("pixel_values");
    int per = 3 * 32 * 32;
    float[][] image =
        model.imageFeatures(
            List.of(
                java.util.Arrays.copyOfRange(pixels.data(), 0, per),
                java.util.Arrays.copyOfRange(pixels.data(), per, 2 * per)));
    float[][] text = model.textFeaturesFromIds(Golden.ids(expected.get("input_ids")));
    assertClose(expected.get("logits").data(), flat(model.logits(image, text)), TOL, "logits");
  }

  @Test
  void shouldLeaveNoArraysBehindInTheModelManager() {
    int before = ((ai.djl.ndarray.BaseNDManager) model.manager()).getManagedArrays().size();
    model.textFeaturesFromIds(Golden.ids(expected.get("input_ids")));
    try (NDManager m = model.manager().newSubManager()) {
      splicedContextFeatures(m, Golden.array(m, expected.get("ctx")), true);
    }
    int after = ((ai.djl.ndarray.BaseNDManager) model.manager()).getManagedArrays().size();
    assertEquals(before, after);
  }

  @Test
  void shouldRejectEndOfTextPositionsOutsideTheSequence() {
    try (NDManager m = model.manager().newSubManager()) {
      NDArray emb = m.zeros(new Shape(1, 4, 32));
      assertThrows(
          IllegalArgumentException.class,
          () -> model.textEncoder().encodeEmbeddings(emb, new int[] {4}));
    }
  }

  /** CoOp's prompt: {@code [<start>, ctx_1..ctx_4, class tokens, <end>, pad]}. */
  static NDArray splicedContextFeatures(NDManager m, NDArray ctx, boolean cut) {
    long[][] ids = Golden.ids(expected.get("ctx_input_ids"));
    TextEncoder text = model.textEncoder();
    NDArray idArray = m.create(flatIds(ids), new Shape(ids.length, ids[0].length));
    NDArray emb = text.embedTokens(idArray); // [3, 16, 32]
    int[] eot = TextEncoder.endOfTextPositions(idArray);
    long batch = ids.length;
    NDArray ctxRows = ctx.expandDims(0).broadcast(new Shape(batch, 4, 32));
    NDArray spliced =
        NDArrays.concat(
            new NDList(emb.get(new NDIndex(":, :1, :")), ctxRows, emb.get(new NDIndex(":, 5:, :"))),
            1);
    return text.encodeEmbeddings(spliced, eot, cut);
  }

  private static long[] flatIds(long[][] rows) {
    return java.util.Arrays.stream(rows).flatMapToLong(java.util.Arrays::stream).toArray();
  }
}
