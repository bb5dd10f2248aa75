package io.calmon.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calmon.clip.nn.Activation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CLIP architecture as data: the same code builds ViT-B/32, ViT-B/16 and the tiny test models.
 * Read from and written to Hugging Face's {@code CLIPConfig} JSON; a missing key takes Hugging
 * Face's default.
 *
 * @param text the text tower
 * @param vision the image tower
 * @param projectionDim the joint embedding width
 * @param logitScaleInit {@code logit_scale_init_value}, informational (weights carry the value)
 */
public record ClipConfig(
    TextConfig text, VisionConfig vision, int projectionDim, float logitScaleInit) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public ClipConfig {
    if (text == null || vision == null) {
      throw new ModelFormatException("text_config and vision_config are required");
    }
    positive("projection_dim", projectionDim);
  }

  /** OpenAI's ViT-B/32 (Hugging Face {@code openai/clip-vit-base-patch32}). */
  public static ClipConfig vitB32() {
    return new ClipConfig(TextConfig.clipDefault(), VisionConfig.clipDefault(), 512, 2.6592f);
  }

  /** OpenAI's ViT-B/16 (Hugging Face {@code openai/clip-vit-base-patch16}). */
  public static ClipConfig vitB16() {
    VisionConfig v = VisionConfig.clipDefault();
    return new ClipConfig(
        TextConfig.clipDefault(),
        new VisionConfig(
            v.hiddenSize(),
            v.intermediateSize(),
            v.numAttentionHeads(),
            v.numHiddenLayers(),
            v.imageSize(),
            16,
            v.numChannels(),
            v.hiddenAct(),
            v.layerNormEps()),
        512,
        2.6592f);
  }

  /** Reads a Hugging Face {@code config.json}. */
  public static ClipConfig read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new ModelFormatException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelFormatException(file + " is not a JSON object");
    }
    return fromJson(root);
  }

  /** Parses the {@code CLIPConfig} JSON tree; missing keys take Hugging Face's defaults. */
  public static ClipConfig fromJson(JsonNode root) {
    TextConfig td = TextConfig.clipDefault();
    JsonNode t = root.path("text_config");
    TextConfig text =
        new TextConfig(
            intOr(t, "hidden_size", td.hiddenSize()),
            intOr(t, "intermediate_size", td.intermediateSize()),
            intOr(t, "num_attention_heads", td.numAttentionHeads()),
            intOr(t, "num_hidden_layers", td.numHiddenLayers()),
            intOr(t, "max_position_embeddings", td.maxPositionEmbeddings()),
            intOr(t, "vocab_size", td.vocabSize()),
            Activation.fromHfName(t.path("hidden_act").asText(td.hiddenAct().hfName())),
            (float) t.path("layer_norm_eps").asDouble(td.layerNormEps()));
    VisionConfig vd = VisionConfig.clipDefault();
    JsonNode v = root.path("vision_config");
    VisionConfig vision =
        new VisionConfig(
            intOr(v, "hidden_size", vd.hiddenSize()),
            intOr(v, "intermediate_size", vd.intermediateSize()),
            intOr(v, "num_attention_heads", vd.numAttentionHeads()),
            intOr(v, "num_hidden_layers", vd.numHiddenLayers()),
            intOr(v, "image_size", vd.imageSize()),
            intOr(v, "patch_size", vd.patchSize()),
            intOr(v, "num_channels", vd.numChannels()),
            Activation.fromHfName(v.path("hidden_act").asText(vd.hiddenAct().hfName())),
            (float) v.path("layer_norm_eps").asDouble(vd.layerNormEps()),
            intList(v, "conv_stem_channels"));
    return new ClipConfig(
        text,
        vision,
        intOr(root, "projection_dim", 512),
        (float) root.path("logit_scale_init_value").asDouble(2.6592));
  }

  /** The Hugging Face {@code config.json} tree for this architecture. */
  public ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("model_type", "clip");
    root.putArray("architectures").add("CLIPModel");
    root.put("projection_dim", projectionDim);
    root.put("logit_scale_init_value", logitScaleInit);
    ObjectNode t = root.putObject("text_config");
    t.put("hidden_size", text.hiddenSize());
    t.put("intermediate_size", text.intermediateSize());
    t.put("num_attention_heads", text.numAttentionHeads());
    t.put("num_hidden_layers", text.numHiddenLayers());
    t.put("max_position_embeddings", text.maxPositionEmbeddings());
    t.put("vocab_size", text.vocabSize());
    t.put("hidden_act", text.hiddenAct().hfName());
    t.put("layer_norm_eps", text.layerNormEps());
    t.put("projection_dim", projectionDim);
    ObjectNode v = root.putObject("vision_config");
    v.put("hidden_size", vision.hiddenSize());
    v.put("intermediate_size", vision.intermediateSize());
    v.put("num_attention_heads", vision.numAttentionHeads());
    v.put("num_hidden_layers", vision.numHiddenLayers());
    v.put("image_size", vision.imageSize());
    v.put("patch_size", vision.patchSize());
    v.put("num_channels", vision.numChannels());
    v.put("hidden_act", vision.hiddenAct().hfName());
    v.put("layer_norm_eps", vision.layerNormEps());
    if (!vision.convStem().isEmpty()) {
      vision.convStem().forEach(v.putArray("conv_stem_channels")::add);
    }
    v.put("projection_dim", projectionDim);
    return root;
  }

  /** Writes {@link #toJson()} to a file. */
  public void write(Path file) throws IOException {
    Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()));
  }

  /** A one-line description, e.g. for {@code calmon clip info}. */
  public String describe() {
    return String.format(
        "vision ViT %d px,%s patch %d, width %d, %d layers, %d heads, %s; text width %d, %d layers,"
            + " %d heads, context %d, vocabulary %d, %s; embedding %d",
        vision.imageSize(),
        vision.convStem().isEmpty() ? "" : " conv stem " + vision.convStem() + ",",
        vision.patchSize(),
        vision.hiddenSize(),
        vision.numHiddenLayers(),
        vision.numAttentionHeads(),
        vision.hiddenAct().hfName(),
        text.hiddenSize(),
        text.numHiddenLayers(),
        text.numAttentionHeads(),
        text.maxPositionEmbeddings(),
        text.vocabSize(),
        text.hiddenAct().hfName(),
        projectionDim);
  }

  private static int intOr(JsonNode node, String key, int fallback) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw new ModelFormatException(key + " must be an integer, got " + value);
    }
    return value.intValue();
  }

  private static List<Integer> intList(JsonNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new ModelFormatException(key + " must be a list of integers, got " + value);
    }
    List<Integer> out = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isIntegralNumber() || !item.canConvertToInt()) {
        throw new ModelFormatException(key + " must be a list of integers, got " + value);
      }
      out.add(item.intValue());
    }
    return out;
  }

  static void positive(String key, int value) {
    if (value <= 0) {
      throw new ModelFormatException(key + " must be > 0, got " + value);
    }
  }

  static void divides(String tower, int heads, int width) {
    if (width % heads != 0) {
      throw new ModelFormatException(
          tower + ".num_attention_heads " + heads + " does not divide hidden_size " + width);
    }
  }
}
