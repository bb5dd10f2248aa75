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
 * CLIP's vision transformer: an optional convolutional stem (calmon's extension, see {@link
 * VisionConfig#convStem()}: 3x3 stride-2 convolutions without bias, each followed by BatchNorm and
 * ReLU), patch convolution (no bias), class token, positional embedding, {@code ln_pre}, residual
 * blocks, {@code ln_post} on the class token, projection. Hugging Face names under {@code
 * vision_model.} plus {@code visual_projection.weight}.
 */
public final class ImageEncoder extends ClipBlock {

  private final VisionConfig config;
  private final int projectionDim;

  /** Per stem convolution: conv weight, BatchNorm weight, bias, running mean, running variance. */
  private final List<Parameter[]> stem = new ArrayList<>();

  /** BatchNorm's momentum and epsilon, as torch.nn.BatchNorm2d's defaults. */
  static final float BN_MOMENTUM = 0.1f;

  static final float BN_EPS = 1e-5f;

  private volatile boolean training;
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
    int in = config.numChannels();
    for (int i = 0; i < config.convStem().size(); i++) {
      int out = config.convStem().get(i);
      String name = "vision_model.embeddings.conv_stem." + i;
      stem.add(
          new Parameter[] {
            weight(name + ".conv.weight", new Shape(out, in, 3, 3)),
            weight(name + ".norm.weight", new Shape(out)),
            weight(name + ".norm.bias", new Shape(out)),
            weight(name + ".norm.running_mean", new Shape(out)),
            weight(name + ".norm.running_var", new Shape(out))
          });
      in = out;
    }
    int k = config.patchKernel();
    patchWeight = weight("vision_model.embeddings.patch_embedding.weight", new Shape(w, in, k, k));
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

  /**
   * Training mode: the stem's BatchNorms normalise with the batch's statistics and update their
   * running ones; otherwise (the default, and always for serving) they use the running ones. Only
   * matters with a convolutional stem.
   */
  public void setTraining(boolean training) {
    this.training = training;
  }

  /** Whether {@link #setTraining} is on. */
  public boolean isTraining() {
    return training;
  }

  /**
   * {@code [batch, c, h, w]} normalised per channel, as torch's BatchNorm2d: in training with the
   * batch's mean and biased variance (the running variance gets the unbiased one), else with the
   * running statistics.
   */
  private NDArray batchNorm(NDArray x, Parameter[] p) {
    long c = x.getShape().get(1);
    Shape perChannel = new Shape(1, c, 1, 1);
    NDArray mean;
    NDArray var;
    if (training) {
      // PyTorch's mean takes one axis at a time: channels first, then everything else.
      NDArray rows = x.transpose(1, 0, 2, 3).reshape(c, -1);
      mean = rows.mean(new int[] {1}).reshape(perChannel);
      var = x.sub(mean).transpose(1, 0, 2, 3).reshape(c, -1).square().mean(new int[] {1});
      var = var.reshape(perChannel);
      long n = x.getShape().size() / c;
      try (NDArray m = mean.stopGradient().reshape(c);
          NDArray v = var.stopGradient().reshape(c).mul(n / (n - 1.0f))) {
        p[3].getArray().muli(1 - BN_MOMENTUM).addi(m.mul(BN_MOMENTUM));
        p[4].getArray().muli(1 - BN_MOMENTUM).addi(v.mul(BN_MOMENTUM));
      }
    } else {
      mean = own(p[3].getArray().reshape(perChannel), x.getManager());
      var = own(p[4].getArray().reshape(perChannel), x.getManager());
    }
    // Views of parameters live in the parameters' manager unless brought into the forward's
    // scope: left there, each step would keep its views (and through them its graph) alive.
    return x.sub(mean)
        .div(var.add(BN_EPS).sqrt())
        .mul(own(p[1].getArray().reshape(perChannel), x.getManager()))
        .add(own(p[2].getArray().reshape(perChannel), x.getManager()));
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
          int k = config.patchKernel();
          NDArray x = pixels;
          for (Parameter[] conv : stem) { // 3x3, stride 2, padding 1: halves the map
            x =
                x.getNDArrayInternal()
                    .convolution(
                        x,
                        conv[0].getArray(),
                        null,
                        new Shape(2, 2),
                        new Shape(1, 1),
                        new Shape(1, 1),
                        1)
                    .singletonOrThrow();
            x = batchNorm(x, conv).maximum(0f);
          }
          // A convolution with kernel = stride = patch is a linear map of each patch.
          x =
              x.getNDArrayInternal()
                  .convolution(
                      x,
                      patchWeight.getArray(),
                      null,
                      new Shape(k, k),
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
   * Multiply-accumulate operations per image times two (GFLOP = this / 1e9): stem, patch embedding,
   * attention projections, attention scores and mixing, MLP, output projection.
   */
  public double flopsPerImage() {
    double t = config.numPositions();
    double w = config.hiddenSize();
    double m = config.intermediateSize();
    double patches = t - 1;
    double patchDim =
        (double) config.patchInputChannels() * config.patchKernel() * config.patchKernel();
    double perLayer = 4 * t * w * w + 2 * t * t * w + 2 * t * w * m;
    double macs = patches * patchDim * w + config.numHiddenLayers() * perLayer;
    double side = config.imageSize();
    double in = config.numChannels();
    for (int out : config.convStem()) {
      side = Math.ceil(side / 2);
      macs += side * side * out * in * 9;
      in = out;
    }
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
