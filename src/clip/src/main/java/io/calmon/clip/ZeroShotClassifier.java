package io.calmon.clip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zero-shot classification: each class's prompt is the template with the class name, and an image's
 * class probabilities are the softmax of {@code exp(logit_scale) * cos(image, text)} over the
 * classes. Text features are computed once, at construction. Thread-safe.
 */
public final class ZeroShotClassifier {

  /** OpenAI's basic template. */
  public static final String DEFAULT_TEMPLATE = "a photo of a {}.";

  private final ClipModel model;
  private final List<String> classes;
  private final float[][] textFeatures;

  /** One class's probability for one image, and the arg-max. */
  public record Prediction(Map<String, Float> probabilities, String predicted, float confidence) {}

  /**
   * @param classes class names, at least one, none blank, no duplicates
   * @param template a prompt with {@code {}} where the class name goes
   * @throws io.calmon.clip.text.PromptTooLongException if a class's prompt does not fit
   */
  public ZeroShotClassifier(ClipModel model, List<String> classes, String template) {
    if (classes.isEmpty()) {
      throw new IllegalArgumentException("no classes given");
    }
    if (classes.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("blank class name in " + classes);
    }
    if (classes.stream().distinct().count() != classes.size()) {
      throw new IllegalArgumentException("duplicate class name in " + classes);
    }
    if (!template.contains("{}")) {
      throw new IllegalArgumentException("template '" + template + "' lacks {}");
    }
    this.model = model;
    this.classes = List.copyOf(classes);
    List<String> prompts = new ArrayList<>();
    for (String c : classes) {
      prompts.add(template.replace("{}", c));
    }
    this.textFeatures = model.textFeatures(prompts);
  }

  /** The classes, in order. */
  public List<String> classes() {
    return Collections.unmodifiableList(classes);
  }

  /** Class probabilities {@code [images, classes]} for preprocessed images. */
  public float[][] probabilities(List<float[]> pixels) {
    return Similarity.softmax(model.logits(model.imageFeatures(pixels), textFeatures));
  }

  /** One prediction per preprocessed image, in order. */
  public List<Prediction> classify(List<float[]> pixels) {
    List<Prediction> out = new ArrayList<>();
    for (float[] row : probabilities(pixels)) {
      Map<String, Float> probs = new LinkedHashMap<>();
      int best = 0;
      for (int j = 0; j < row.length; j++) {
        probs.put(classes.get(j), row[j]);
        if (row[j] > row[best]) {
          best = j;
        }
      }
      out.add(new Prediction(Collections.unmodifiableMap(probs), classes.get(best), row[best]));
    }
    return out;
  }
}
