package io.calmon.clip.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.calmon.clip.TextConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CLIP's causal text transformer. It takes token <em>embeddings</em>, not only ids, so that learned
 * context vectors (CoOp's {@code ctx}) can be spliced in and receive gradients:
 *
 * <pre>{@code
 * NDArray emb = textEncoder.embedTokens(ids);          // [batch, tokens, width]
 * // replace rows 1..nCtx with ctx (an NDArray with setRequiresGradient(true)), e.g. by concat
 * NDArray features = textEncoder.encodeEmbeddings(emb, eotPositions); // [batch, projectionDim]
 * }</pre>
 *
 * <p>Sequences are cut to the longest end-of-text position in the batch: under the causal mask,
 * later positions never influence the pooled feature, so the result is exact. Hugging Face names
 * under {@code text_model.} plus {@code text_projection.weight}.
 */
public final class TextEncoder extends ClipBlock {

  private final TextConfig config;
  private final int projectionDim;
  private final Parameter tokenEmbedding;
  private final Parameter positionEmbedding;
  private final List<TransformerLayer> layers = new ArrayList<>();
  private final Parameter finalWeight;
  private final Parameter finalBias;
  private final Parameter projection;

  /** Builds the (uninitialised) encoder; weights come from a loader or a random initialiser. */
  public TextEncoder(TextConfig config, int projectionDim) {
    this.config = config;
    this.projectionDim = projectionDim;
    int w = config.hiddenSize();
    tokenEmbedding =
        weight("text_model.embeddings.token_embedding.weight", new Shape(config.vocabSize(), w));
    positionEmbedding =
        weight(
            "text_model.embeddings.position_embedding.weight",
            new Shape(config.maxPositionEmbeddings(), w));
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      layers.add(
          child(
              "text_model.encoder.layers." + i,
              new TransformerLayer(
                  w,
                  config.numAttentionHeads(),
                  config.intermediateSize(),
                  config.hiddenAct(),
                  config.layerNormEps())));
    }
    finalWeight = weight("text_model.final_layer_norm.weight", new Shape(w));
    finalBias = weight("text_model.final_layer_norm.bias", new Shape(w));
    projection = weight("text_projection.weight", new Shape(projectionDim, w));
  }

  /** The architecture this encoder was built from. */
  public TextConfig config() {
    return config;
  }

  /** The end-of-text token id: the highest id in the vocabulary, as in OpenAI CLIP. */
  public int endOfTextId() {
    return config.vocabSize() - 1;
  }

  /**
   * Looks up token embeddings.
   *
   * @param ids {@code [batch, tokens]} integer ids
   * @return {@code [batch, tokens, width]} in {@code ids}' manager
   */
  public NDArray embedTokens(NDArray ids) {
    NDArray longIds = ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
    NDArray out =
        longIds
            .getNDArrayInternal()
            .embedding(longIds, tokenEmbedding.getArray(), SparseFormat.DENSE)
            .singletonOrThrow();
    if (longIds != ids) {
      longIds.close();
    }
    return out;
  }

  /**
   * Text features from token ids, pooled at each row's end-of-text token (its largest id).
   *
   * @param ids {@code [batch, tokens]} integer ids, padded after end-of-text with anything
   * @return {@code [batch, projectionDim]} in {@code ids}' manager
   */
  public NDArray encodeIds(NDArray ids) {
    int[] eot = endOfTextPositions(ids);
    return scoped(ids, scope -> encodeEmbeddings(embedTokens(ids), eot, true));
  }

  /**
   * End-of-text position of each row: the argmax of its ids.
   *
   * @param ids {@code [batch, tokens]}
   */
  public static int[] endOfTextPositions(NDArray ids) {
    try (NDArray argmax = ids.argMax(1)) {
      return Arrays.stream(argmax.toLongArray()).mapToInt(Math::toIntExact).toArray();
    }
  }

  /**
   * Text features from token embeddings, cut to the longest end-of-text position (exact).
   *
   * @param embeddings {@code [batch, tokens, width]}; may carry a gradient
   * @param eotPositions end-of-text position per row
   * @return {@code [batch, projectionDim]} in {@code embeddings}' manager
   */
  public NDArray encodeEmbeddings(NDArray embeddings, int[] eotPositions) {
    return encodeEmbeddings(embeddings, eotPositions, true);
  }

  /**
   * As {@link #encodeEmbeddings(NDArray, int[])}; {@code cut = false} runs all positions (for
   * benchmarks and the test that the cut is exact).
   */
  public NDArray encodeEmbeddings(NDArray embeddings, int[] eotPositions, boolean cut) {
    Shape shape = embeddings.getShape();
    if (shape.dimension() != 3 || shape.get(2) != config.hiddenSize()) {
      throw new IllegalArgumentException(
          "embeddings must be [batch, tokens, " + config.hiddenSize() + "], got " + shape);
    }
    long batch = shape.get(0);
    long tokens = shape.get(1);
    if (eotPositions.length != batch) {
      throw new IllegalArgumentException(
          eotPositions.length + " end-of-text positions for a batch of " + batch);
    }
    if (tokens > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException(
          tokens + " tokens exceed the context length " + config.maxPositionEmbeddings());
    }
    int longest = 0;
    for (int p : eotPositions) {
      if (p < 0 || p >= tokens) {
        throw new IllegalArgumentException(
            "end-of-text position " + p + " outside [0, " + tokens + ")");
      }
      longest = Math.max(longest, p);
    }
    int length = cut ? longest + 1 : (int) tokens;
    return scoped(
        embeddings,
        scope -> {
          NDArray x =
              length == tokens ? embeddings : embeddings.get(new NDIndex(":, :{}, :", length));
          // [batch, length, width]
          x = x.add(own(positionEmbedding.getArray().get(new NDIndex(":{}", length)), scope));
          NDArray mask = causalMask(scope, length); // [length, length]
          for (TransformerLayer layer : layers) {
            x = layer.forward(x, mask);
          }
          x = TransformerLayer.layerNorm(x, finalWeight, finalBias, config.layerNormEps());
          // Pool at end-of-text with a one-hot [batch, 1, length] selector: exact, differentiable.
          float[] select = new float[(int) batch * length];
          for (int b = 0; b < batch; b++) {
            select[b * length + eotPositions[b]] = 1f;
          }
          NDArray selector = Tensors.constant(scope, select, new Shape(batch, 1, length));
          NDArray pooled = selector.matMul(x).reshape(batch, -1); // [batch, width]
          return TransformerLayer.linear(pooled, projection, null); // [batch, projectionDim]
        });
  }

  /** Additive causal mask: 0 on and below the diagonal, -inf above (no look-ahead). */
  static NDArray causalMask(NDManager manager, int length) {
    float[] mask = new float[length * length];
    for (int i = 0; i < length; i++) {
      for (int j = i + 1; j < length; j++) {
        mask[i * length + j] = Float.NEGATIVE_INFINITY;
      }
    }
    return Tensors.constant(manager, mask, new Shape(length, length));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(encodeIds(inputs.singletonOrThrow()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), projectionDim)};
  }
}
