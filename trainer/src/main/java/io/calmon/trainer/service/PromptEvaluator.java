package io.calmon.trainer.service;

import io.calmon.clip.ClipModel;
import io.calmon.clip.prompt.ContextPrompts;
import io.calmon.schemas.PromptVersion;
import io.calmon.trainer.loop.PublishGate;
import io.calmon.tuning.TemperatureScaling;
import io.calmon.tuning.eval.ClassifierMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scores a prompt version on held-out features the way a scorer serves it: softmax over every class
 * of the class set of {@code exp(logit_scale) * cos(image, text) / temperature}, the text features
 * being the version's learned context spliced in front of each class name (or the hand-written
 * template for version 0, zero-shot). Accuracy and top-label ECE, as fractions.
 */
final class PromptEvaluator {

  private final ClipModel clip;
  private final String template;
  private final int bins;

  /**
   * @param template the hand-written template zero-shot (version 0) is served with
   * @param bins equal-width bins of the ECE
   */
  PromptEvaluator(ClipModel clip, String template, int bins) {
    this.clip = clip;
    this.template = template;
    this.bins = bins;
  }

  /** {@code exp(logit_scale)} of the frozen model. */
  double scale() {
    return Math.exp(clip.logitScale());
  }

  /** How {@code version} (null: zero-shot) does on {@code heldOut} over {@code classNames}. */
  PublishGate.Evaluation evaluate(
      PromptVersion version, List<String> classNames, Map<String, List<float[]>> heldOut) {
    double temperature =
        version == null || version.getTemperature() == null ? 1.0 : version.getTemperature();
    return evaluate(
        classNames, textFeatures(version, classNames), scale(), temperature, heldOut, bins);
  }

  /**
   * The post-hoc temperature of a tuned context, fitted on the held-out examples of every class of
   * {@code classNames}, the class set the version will be served with, with the softmax over that
   * whole set: the distribution a scorer emits and the publish gate judges. (Fitting it over the
   * base classes alone, as a tuner fits it on base validation data, calibrated a softmax that is
   * never served: the refitted temperature then lost on the judge half every time.)
   */
  double fitTemperature(
      float[] ctx, int nCtx, List<String> classNames, Map<String, List<float[]>> heldOut) {
    return fitTemperature(classNames, tuned(ctx, nCtx, classNames), scale(), heldOut);
  }

  /**
   * The pure part: the temperature minimising the negative log-likelihood of the held-out examples
   * under the softmax over {@code classNames} of {@code scale * cos / T}; 1 without examples.
   */
  static double fitTemperature(
      List<String> classNames, float[][] text, double scale, Map<String, List<float[]>> heldOut) {
    Rows rows = Rows.of(classNames, heldOut);
    if (rows.labels.length == 0) {
      return 1.0;
    }
    return TemperatureScaling.fit(
        ClassifierMetrics.logits(rows.features, text, scale, 1.0), rows.labels);
  }

  /** Normalised text features of every class under {@code version} (null: zero-shot). */
  float[][] textFeatures(PromptVersion version, List<String> classNames) {
    if (version == null) {
      List<String> prompts = classNames.stream().map(c -> template.replace("{}", c)).toList();
      return normalized(clip.textFeatures(prompts));
    }
    float[] ctx = new float[version.getContextVectors().size()];
    for (int i = 0; i < ctx.length; i++) {
      ctx[i] = version.getContextVectors().get(i);
    }
    return tuned(ctx, version.getNCtx(), classNames);
  }

  private float[][] tuned(float[] ctx, int nCtx, List<String> classNames) {
    try (ContextPrompts prompts = ContextPrompts.of(clip, classNames, nCtx)) {
      return normalized(prompts.features(ctx));
    }
  }

  /**
   * The pure part: accuracy and ECE of normalised {@code text} features on held-out features.
   * Held-out classes missing from {@code classNames} are left out (a scorer could not predict
   * them).
   */
  static PublishGate.Evaluation evaluate(
      List<String> classNames,
      float[][] text,
      double scale,
      double temperature,
      Map<String, List<float[]>> heldOut,
      int bins) {
    Rows rows = Rows.of(classNames, heldOut);
    if (rows.labels.length == 0) {
      return new PublishGate.Evaluation(0, Double.NaN, Double.NaN);
    }
    ClassifierMetrics m =
        ClassifierMetrics.of(
            ClassifierMetrics.logits(rows.features, text, scale, temperature), rows.labels, bins);
    return new PublishGate.Evaluation(m.n(), m.accuracy(), m.ece());
  }

  static float[][] normalized(float[][] rows) {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      double n = 0;
      for (float v : rows[i]) {
        n += (double) v * v;
      }
      double inv = 1.0 / Math.sqrt(n);
      out[i] = new float[rows[i].length];
      for (int j = 0; j < rows[i].length; j++) {
        out[i][j] = (float) (rows[i][j] * inv);
      }
    }
    return out;
  }

  /** Held-out features flattened to rows, labelled by their class's index in {@code classNames}. */
  private record Rows(float[][] features, int[] labels) {
    static Rows of(List<String> classNames, Map<String, List<float[]>> heldOut) {
      List<float[]> f = new ArrayList<>();
      List<Integer> y = new ArrayList<>();
      for (int c = 0; c < classNames.size(); c++) {
        for (float[] row : heldOut.getOrDefault(classNames.get(c), List.of())) {
          f.add(row);
          y.add(c);
        }
      }
      return new Rows(f.toArray(float[][]::new), y.stream().mapToInt(Integer::intValue).toArray());
    }
  }
}
