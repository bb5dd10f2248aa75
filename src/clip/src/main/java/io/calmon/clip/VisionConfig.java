package io.calmon.clip;

import io.calmon.clip.nn.Activation;

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
    float layerNormEps) {

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
    if (!(layerNormEps > 0)) {
      throw new ModelFormatException(
          "vision_config.layer_norm_eps must be > 0, got " + layerNormEps);
    }
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
