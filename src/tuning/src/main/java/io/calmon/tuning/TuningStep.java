package io.calmon.tuning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * One optimisation step as the loss terms see it: the batch of (normalised, cached) image features,
 * its labels, and the context with a gradient. Tuned class features are computed at most once per
 * step, whichever term asks first. Everything lives in the step's own manager.
 */
public final class TuningStep {
  private final NDManager manager;
  private final PromptLearner learner;
  private final NDArray ctx;
  private final NDArray images;
  private final NDArray oneHot;
  private NDArray classFeatures;

  TuningStep(NDManager manager, PromptLearner learner, float[][] batch, int[] labels) {
    this.manager = manager;
    this.learner = learner;
    this.ctx = learner.ctxArray(manager);
    int d = batch[0].length;
    float[] flat = new float[batch.length * d];
    float[] hot = new float[batch.length * learner.classes()];
    for (int i = 0; i < batch.length; i++) {
      System.arraycopy(batch[i], 0, flat, i * d, d);
      hot[i * learner.classes() + labels[i]] = 1f;
    }
    this.images = manager.create(flat, new Shape(batch.length, d));
    this.oneHot = manager.create(hot, new Shape(batch.length, learner.classes()));
  }

  /** The step's manager: put per-step arrays here. */
  public NDManager manager() {
    return manager;
  }

  /** The context {@code [nCtx, width]}, a leaf with a gradient. */
  public NDArray ctx() {
    return ctx;
  }

  /** Normalised tuned base-class features {@code [classes, proj]}. */
  public NDArray classFeatures() {
    if (classFeatures == null) {
      classFeatures = learner.classFeatures(ctx);
    }
    return classFeatures;
  }

  /** Normalised zero-shot base-class features {@code [classes, proj]}, constant. */
  public NDArray zeroShotClassFeatures() {
    return learner.zeroShotClassFeatures(manager);
  }

  /** Cross-entropy over {@code exp(logit_scale) * cos(image, text)} of the base classes. */
  public NDArray crossEntropy() {
    return Losses.crossEntropy(images, classFeatures(), oneHot, learner.logitScale());
  }
}
