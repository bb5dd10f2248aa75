package io.calmon.scorer;

import io.calmon.clip.Similarity;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the scorer scores against right now: one (prompt version, class set) pair compiled into text
 * features. Immutable; a hot swap replaces the whole object, so a batch never mixes versions.
 *
 * @param promptVersion the serving {@code PromptVersion.version}, 0 for the zero-shot template
 * @param classSetVersion the {@code ClassSet.version}
 * @param classNames the class names, in the class set's order
 * @param baseClasses the prompt version's base classes (empty for zero-shot: everything is NEW)
 * @param textFeatures one row per class, not normalised: {@code [classes, projectionDim]}
 * @param zeroShotFeatures the hand-written template's features of the same classes, the same shape
 *     (the same array for prompt version 0): what each prediction's zero-shot probability is scored
 *     against
 * @param logitScale CLIP's stored (log) logit scale
 * @param temperature the prompt version's post-hoc temperature; 1 when none
 */
public record ScoringContext(
    long promptVersion,
    long classSetVersion,
    List<String> classNames,
    Set<String> baseClasses,
    float[][] textFeatures,
    float[][] zeroShotFeatures,
    float logitScale,
    double temperature) {

  public ScoringContext {
    classNames = List.copyOf(classNames);
    baseClasses = Set.copyOf(baseClasses);
    Objects.requireNonNull(textFeatures, "textFeatures");
    if (textFeatures.length != classNames.size()) {
      throw new IllegalArgumentException(
          textFeatures.length + " text feature rows for " + classNames.size() + " classes");
    }
    Objects.requireNonNull(zeroShotFeatures, "zeroShotFeatures");
    if (zeroShotFeatures.length != classNames.size()) {
      throw new IllegalArgumentException(
          zeroShotFeatures.length
              + " zero-shot feature rows for "
              + classNames.size()
              + " classes");
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be > 0 and finite, got " + temperature);
    }
  }

  /** {@code exp(logitScale) * cos(image, class)}: {@code [images, classes]}, before temperature. */
  public float[][] logits(float[][] imageFeatures) {
    return Similarity.logits(imageFeatures, textFeatures, logitScale);
  }

  /**
   * The template's logits of the same images, {@code [images, classes]} at temperature 1: {@code
   * logits} itself (computed by {@link #logits}) when this context serves the template.
   */
  public float[][] zeroShotLogits(float[][] imageFeatures, float[][] logits) {
    if (zeroShotFeatures == textFeatures) {
      return logits;
    }
    return Similarity.logits(imageFeatures, zeroShotFeatures, logitScale);
  }

  /** The softmax of one image's logits divided by the temperature. */
  ClassScores scores(float[] logits) {
    return ClassScores.fromLogits(logits, temperature);
  }

  /** Whether {@code className} is one of the prompt version's base classes. */
  boolean isBase(String className) {
    return baseClasses.contains(className);
  }

  @Override
  public String toString() {
    return "prompt version "
        + promptVersion
        + ", class set version "
        + classSetVersion
        + " ("
        + classNames.size()
        + " classes, "
        + baseClasses.size()
        + " base, temperature "
        + temperature
        + ")";
  }
}
