package io.calmon.clip.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.calmon.clip.VisionConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's vision transformer: patch convolution (no bias), class token, positional embedding, {@code
 * ln_pre}, residual blocks, {@code ln_post} on the class token, projection. Hugging Face names
 * under {@code vision_model.} plus {@code visual_projection.weight}.
 */
public final class ImageEncoder extends ClipBlock {

  private final VisionConfig config;
  private final int projectionDim;
  private final Parameter patchWeight;
  private final Parameter classEmbedding;
  private final Parameter positionEmbedding;
  private final Parameter preWeight;
  private final Parameter preBias;
  private final List<TransformerLayer> layers = new ArrayList<>();
  private final Parameter postWeight;
  private final Parameter postBias;
  private final Parameter projection;

  /** Builds the (uninitialised) encoder; weights come from a loader or a random initialiser. */
  public ImageEncoder(VisionConfig config, int projectionDim) {
    this.config = config;
    this.projectionDim = projectionDim;
    int w = config.hiddenSize();
    int p = config.patchSize();
    patchWeight =
        weight(
            "vision_model.embeddings.patch_embedding.weight",
            new Shape(w, config.numChannels(), p, p));
    classEmbedding = weight("vision_model.embeddings.class_embedding", new Shape(w));
    positionEmbedding =
        weight(
            "vision_model.embeddings.position_embedding.weight",
            new Shape(config.numPositions(), w));
    preWeight = weight("vision_model.pre_layrnorm.weight", new Shape(w)); // sic: "layrnorm"
    preBias = weight("vision_model.pre_layrnorm.bias", new Shape(w));
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      layers.add(
          child(
              "vision_model.encoder.layers." + i,
              new TransformerLayer(
                  w,
                  config.numAttentionHeads(),
                  config.intermediateSize(),
                  config.hiddenAct(),
                  config.layerNormEps())));
    }
    postWeight = weight("vision_model.post_layernorm.weight", new Shape(w));
    postBias = weight("vision_model.post_layernorm.bias", new Shape(w));
    projection = weight("visual_projection.weight", new Shape(projectionDim, w));
  }

  /** The architecture this encoder was built from. */
  public VisionConfig config() {
    return config;
  }

  /**
   * Image features (not normalised).
   *
   * @param pixels {@code [batch, channels, imageSize, imageSize]}, normalised with CLIP's mean/std
   * @return {@code [batch, projectionDim]} in {@code pixels}' manager
   */
  public NDArray encode(NDArray pixels) {
    Shape expected = new Shape(config.numChannels(), config.imageSize(), config.imageSize());
    if (pixels.getShape().dimension() != 4 || !pixels.getShape().slice(1).equals(expected)) {
      throw new IllegalArgumentException(
          "pixels must be [batch, " + expected + "], got " + pixels.getShape());
    }
    return scoped(
        pixels,
        scope -> {
          long batch = pixels.getShape().get(0);
          int w = config.hiddenSize();
          int p = config.patchSize();
          // A convolution with kernel = stride = patch is a linear map of each patch.
          NDArray x =
              pixels
                  .getNDArrayInternal()
                  .convolution(
                      pixels,
                      patchWeight.getArray(),
                      null,
                      new Shape(p, p),
                      new Shape(0, 0),
                      new Shape(1, 1),
                      1)
                  .singletonOrThrow(); // [batch, width, grid, grid]
          x = x.reshape(batch, w, -1).transpose(0, 2, 1); // [batch, patches, width]
          NDArray cls = x.get(new NDIndex(":, :1, :")).zerosLike().add(classEmbedding.getArray());
          x = cls.concat(x, 1); // [batch, 1 + patches, width]
          x = x.add(positionEmbedding.getArray());
          x = TransformerLayer.layerNorm(x, preWeight, preBias, config.layerNormEps());
          for (TransformerLayer layer : layers) {
            x = layer.forward(x, null);
          }
          NDArray pooled = x.get(new NDIndex(":, 0, :")); // [batch, width], the class token
          pooled = TransformerLayer.layerNorm(pooled, postWeight, postBias, config.layerNormEps());
          return TransformerLayer.linear(pooled, projection, null); // [batch, projectionDim]
        });
  }

  /**
   * Multiply-accumulate operations per image times two (GFLOP = this / 1e9): patch embedding,
   * attention projections, attention scores and mixing, MLP, output projection.
   */
  public double flopsPerImage() {
    double t = config.numPositions();
    double w = config.hiddenSize();
    double m = config.intermediateSize();
    double patches = t - 1;
    double patchDim = (double) config.numChannels() * config.patchSize() * config.patchSize();
    double perLayer = 4 * t * w * w + 2 * t * t * w + 2 * t * w * m;
    double macs = patches * patchDim * w + config.numHiddenLayers() * perLayer;
    macs += w * projectionDim;
    return 2 * macs;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(encode(inputs.singletonOrThrow()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), projectionDim)};
  }
}
