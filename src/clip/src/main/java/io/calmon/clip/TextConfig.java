package io.calmon.clip;

import io.calmon.clip.nn.Activation;

/**
 * The causal text transformer's shape, as Hugging Face's {@code text_config}.
 *
 * @param hiddenSize transformer width
 * @param intermediateSize MLP hidden width (4x width in CLIP)
 * @param numAttentionHeads attention heads; must divide the width
 * @param numHiddenLayers residual blocks
 * @param maxPositionEmbeddings context length (77 in CLIP)
 * @param vocabSize token vocabulary; the highest id is end-of-text
 * @param hiddenAct MLP activation
 * @param layerNormEps LayerNorm epsilon
 */
public record TextConfig(
    int hiddenSize,
    int intermediateSize,
    int numAttentionHeads,
    int numHiddenLayers,
    int maxPositionEmbeddings,
    int vocabSize,
    Activation hiddenAct,
    float layerNormEps) {

  public TextConfig {
    ClipConfig.positive("text_config.hidden_size", hiddenSize);
    ClipConfig.positive("text_config.intermediate_size", intermediateSize);
    ClipConfig.positive("text_config.num_attention_heads", numAttentionHeads);
    ClipConfig.positive("text_config.num_hidden_layers", numHiddenLayers);
    ClipConfig.positive("text_config.max_position_embeddings", maxPositionEmbeddings);
    ClipConfig.positive("text_config.vocab_size", vocabSize);
    ClipConfig.divides("text_config", numAttentionHeads, hiddenSize);
    if (!(layerNormEps > 0)) {
      throw new ModelFormatException("text_config.layer_norm_eps must be > 0, got " + layerNormEps);
    }
  }

  /** Hugging Face's {@code CLIPTextConfig} defaults: OpenAI's ViT-B text tower. */
  public static TextConfig clipDefault() {
    return new TextConfig(512, 2048, 8, 12, 77, 49408, Activation.QUICK_GELU, 1e-5f);
  }
}
