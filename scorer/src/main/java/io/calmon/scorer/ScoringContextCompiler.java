package io.calmon.scorer;

import io.calmon.clip.ClipException;
import io.calmon.clip.ClipModel;
import io.calmon.clip.prompt.ContextPrompts;
import io.calmon.core.prompt.TextFeatureShift;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.TextShift;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles a (prompt version, class set) pair into a {@link ScoringContext}: runs the text encoder
 * once per class. This is the only place the scorer touches the text encoder, and it runs once per
 * change of either record, never per image.
 */
public final class ScoringContextCompiler {

  private final ClipModel clip;
  private final String template;

  public ScoringContextCompiler(ClipModel clip, String template) {
    this.clip = clip;
    this.template = template;
  }

  /** Zero-shot features from the hand-written template: prompt version 0, every class NEW. */
  public ScoringContext zeroShot(ClassSet classSet) {
    List<String> names = classNames(classSet);
    float[][] features = templateFeatures(names, classSet.getVersion());
    return new ScoringContext(
        0, classSet.getVersion(), names, Set.of(), features, features, clip.logitScale(), 1.0);
  }

  /** The template's text features of {@code names}, one row each. */
  private float[][] templateFeatures(List<String> names, long classSetVersion) {
    List<String> prompts = new ArrayList<>(names.size());
    for (String name : names) {
      prompts.add(template.replace("{}", name));
    }
    try {
      return clip.textFeatures(prompts);
    } catch (ClipException | IllegalStateException | IllegalArgumentException e) {
      throw new RefusedException(
          "CLASS_SET_UNUSABLE", "class set version " + classSetVersion + ": " + e.getMessage(), e);
    }
  }

  /**
   * The tuned prompt's features: the learned context spliced into CoOp prompts for every class,
   * beside the template's features of the same classes (for each prediction's zero-shot probability
   * and the prompt's health).
   *
   * @throws RefusedException if the version was tuned on other weights, its context has the wrong
   *     shape, or its prompts cannot be built
   */
  ScoringContext tuned(PromptVersion prompt, ClassSet classSet) {
    check(prompt);
    List<String> names = classNames(classSet);
    float[] ctx = new float[prompt.getContextVectors().size()];
    for (int i = 0; i < ctx.length; i++) {
      ctx[i] = prompt.getContextVectors().get(i);
    }
    float[][] features;
    try (ContextPrompts prompts = ContextPrompts.of(clip, names, prompt.getNCtx())) {
      features = prompts.features(ctx);
    } catch (ClipException | IllegalArgumentException e) {
      throw new RefusedException(
          "PROMPT_UNUSABLE",
          "prompt version "
              + prompt.getVersion()
              + " with class set version "
              + classSet.getVersion()
              + ": "
              + e.getMessage(),
          e);
    }
    double temperature = prompt.getTemperature() == null ? 1.0 : prompt.getTemperature();
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      refuse(
          "BAD_TEMPERATURE",
          "prompt version " + prompt.getVersion() + " has temperature " + temperature);
    }
    return new ScoringContext(
        prompt.getVersion(),
        classSet.getVersion(),
        names,
        new HashSet<>(prompt.getBaseClasses()),
        features,
        templateFeatures(names, classSet.getVersion()),
        clip.logitScale(),
        temperature);
  }

  /**
   * How {@code prompt} moves the text features of the classes it serves in {@code tuned} (compiled
   * by {@link #tuned}) from the template's: per group (the version's base classes, the others),
   * measured without an image or a label ({@link TextFeatureShift}), against the template's
   * features the context holds.
   */
  PromptHealth health(PromptVersion prompt, ScoringContext tuned, String measuredBy, Instant at) {
    TextFeatureShift.Split split =
        TextFeatureShift.split(
            tuned.classNames(),
            tuned.baseClasses(),
            tuned.textFeatures(),
            tuned.zeroShotFeatures());
    return PromptHealth.newBuilder()
        .setDeployment(prompt.getDeployment())
        .setPromptVersion(prompt.getVersion())
        .setClassSetVersion(tuned.classSetVersion())
        .setMethod(prompt.getMethod())
        .setMeasuredAt(at)
        .setMeasuredBy(measuredBy)
        .setBaseClasses(textShift(split.base()))
        .setNewClasses(textShift(split.fresh()))
        .build();
  }

  private static TextShift textShift(TextFeatureShift shift) {
    if (shift == null) {
      return null;
    }
    return TextShift.newBuilder()
        .setClasses(shift.classes())
        .setDivergence(shift.divergence())
        .setZeroShotDivergence(shift.zeroShotDivergence())
        .setSeparation(shift.separation())
        .setZeroShotSeparation(shift.zeroShotSeparation())
        .setDeviation(shift.deviation())
        .build();
  }

  /**
   * Checks a prompt version against the loaded model without running it.
   *
   * @throws RefusedException ({@code WEIGHTS_MISMATCH}, {@code CONTEXT_SHAPE}) if it does not fit
   */
  void check(PromptVersion prompt) {
    Optional<String> sha = clip.weightsSha256();
    if (sha.isEmpty() || !sha.get().equalsIgnoreCase(prompt.getWeightsSha256())) {
      refuse(
          "WEIGHTS_MISMATCH",
          "prompt version "
              + prompt.getVersion()
              + " was tuned on weights "
              + prompt.getWeightsSha256()
              + " ("
              + prompt.getBackboneId()
              + "), the loaded model's are "
              + sha.orElse("unknown"));
    }
    int width = clip.config().text().hiddenSize();
    long values = (long) prompt.getNCtx() * prompt.getCtxDim();
    if (prompt.getNCtx() < 1
        || prompt.getCtxDim() != width
        || values != prompt.getContextVectors().size()) {
      refuse(
          "CONTEXT_SHAPE",
          "prompt version "
              + prompt.getVersion()
              + " has a context of n_ctx "
              + prompt.getNCtx()
              + " x ctx_dim "
              + prompt.getCtxDim()
              + " with "
              + prompt.getContextVectors().size()
              + " values; the model needs ctx_dim "
              + width
              + " and n_ctx * ctx_dim values");
    }
  }

  private static List<String> classNames(ClassSet classSet) {
    List<String> names = classSet.getClassNames();
    if (names.isEmpty()
        || names.stream().anyMatch(String::isBlank)
        || new HashSet<>(names).size() != names.size()) {
      throw new RefusedException(
          "CLASS_SET_UNUSABLE",
          "class set version "
              + classSet.getVersion()
              + " must have at least one class, no blank or duplicate names: "
              + names,
          null);
    }
    return names;
  }

  private static void refuse(String errorType, String message) {
    throw new RefusedException(errorType, message, null);
  }

  /** A prompt version or class set the scorer will not serve; the previous one stays live. */
  static final class RefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String errorType;

    RefusedException(String errorType, String message, Throwable cause) {
      super(message, cause);
      this.errorType = errorType;
    }

    String errorType() {
      return errorType;
    }
  }
}
