package io.calmon.clip;

import io.calmon.clip.nn.Activation;
import java.util.List;

/**
 * The vision transformer's shape, as Hugging Face's {@code vision_config}.
 *
 * @param hiddenSize transformer width
 * @param intermediateSize MLP hidden width
 * @param numAttentionHeads attention heads; must divide the width
 * @param numHiddenLayers residual blocks
 * @param imageSize input side in pixels
 * @param patchSize patch side in pixels; must divide the image size
 * @param numChannels input channels (3)
 * @param hiddenAct MLP activation
 * @param layerNormEps LayerNorm epsilon
 * @param convStem output channels of the convolutional stem, one 3x3 stride-2 convolution (no bias,
 *     then BatchNorm and ReLU) each, applied before the patch embedding; empty for CLIP's plain
 *     patch embedding. Not a Hugging Face key: calmon's {@code conv_stem_channels}, used by the
 *     world's model (a ViT without a stem could not learn shape on two CPU cores;
 *     src/world/model/README.md). With {@code k} stem convolutions the patch embedding sees a
 *     {@code 2^k} times smaller map through a kernel of {@code patch_size / 2^k}: the token grid is
 *     the same as without the stem.
 */
public record VisionConfig(
    int hiddenSize,
    int intermediateSize,
    int numAttentionHeads,
    int numHiddenLayers,
    int imageSize,
    int patchSize,
    int numChannels,
    Activation hiddenAct,
    float layerNormEps,
    List<Integer> convStem) {

  /** A plain CLIP vision tower (no convolutional stem). */
  public VisionConfig(
      int hiddenSize,
      int intermediateSize,
      int numAttentionHeads,
      int numHiddenLayers,
      int imageSize,
      int patchSize,
      int numChannels,
      Activation hiddenAct,
      float layerNormEps) {
    this(
        hiddenSize,
        intermediateSize,
        numAttentionHeads,
        numHiddenLayers,
        imageSize,
        patchSize,
        numChannels,
        hiddenAct,
        layerNormEps,
        List.of());
  }

  public VisionConfig {
    ClipConfig.positive("vision_config.hidden_size", hiddenSize);
    ClipConfig.positive("vision_config.intermediate_size", intermediateSize);
    ClipConfig.positive("vision_config.num_attention_heads", numAttentionHeads);
    ClipConfig.positive("vision_config.num_hidden_layers", numHiddenLayers);
    ClipConfig.positive("vision_config.image_size", imageSize);
    ClipConfig.positive("vision_config.patch_size", patchSize);
    ClipConfig.positive("vision_config.num_channels", numChannels);
    ClipConfig.divides("vision_config", numAttentionHeads, hiddenSize);
    if (imageSize % patchSize != 0) {
      throw new ModelFormatException(
          "vision_config.patch_size " + patchSize + " does not divide image_size " + imageSize);
    }
    convStem = List.copyOf(convStem);
    for (int i = 0; i < convStem.size(); i++) {
      ClipConfig.positive("vision_config.conv_stem_channels[" + i + "]", convStem.get(i));
    }
    if (patchSize % (1 << convStem.size()) != 0) {
      throw new ModelFormatException(
          "vision_config.conv_stem_channels has "
              + convStem.size()
              + " stride-2 convolutions: 2^"
              + convStem.size()
              + " must divide patch_size "
              + patchSize);
    }
    if (!(layerNormEps > 0)) {
      throw new ModelFormatException(
          "vision_config.layer_norm_eps must be > 0, got " + layerNormEps);
    }
  }

  /** Channels the patch embedding reads: the stem's last, or the image's. */
  public int patchInputChannels() {
    return convStem.isEmpty() ? numChannels : convStem.get(convStem.size() - 1);
  }

  /** Kernel (and stride) of the patch embedding on the stem's output map. */
  public int patchKernel() {
    return patchSize >> convStem.size();
  }

  /** Patches per side. */
  public int gridSize() {
    return imageSize / patchSize;
  }

  /** Tokens the transformer sees: patches plus the class token. */
  public int numPositions() {
    return gridSize() * gridSize() + 1;
  }

  /** Hugging Face's {@code CLIPVisionConfig} defaults: ViT-B/32 at 224 px. */
  public static VisionConfig clipDefault() {
    return new VisionConfig(768, 3072, 12, 12, 224, 32, 3, Activation.QUICK_GELU, 1e-5f);
  }
}
