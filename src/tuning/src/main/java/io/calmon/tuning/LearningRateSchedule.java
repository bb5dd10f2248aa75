package io.calmon.tuning;

/**
 * CoOp's schedule (Dassl's {@code ConstantWarmupScheduler} around {@code CosineAnnealingLR},
 * stepped once per epoch): a constant warm-up rate for the first epochs, then {@code lr * (1 +
 * cos(pi * e / epochs)) / 2} at epoch {@code e} (0-based), as the cosine schedule would have given
 * that epoch.
 */
public record LearningRateSchedule(double lr, int epochs, int warmupEpochs, double warmupLr) {

  /** The learning rate of epoch {@code epoch} (0-based). */
  public double at(int epoch) {
    if (epoch < warmupEpochs) {
      return warmupLr;
    }
    return 0.5 * lr * (1.0 + Math.cos(Math.PI * epoch / epochs));
  }
}
