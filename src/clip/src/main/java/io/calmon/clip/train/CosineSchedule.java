package io.calmon.clip.train;

/**
 * Learning rate with linear warm-up then cosine decay, as CLIP was pretrained: {@code peak * (step
 * + 1) / warmup} for the first {@code warmup} steps, then {@code floor + (peak - floor) * (1 +
 * cos(pi * progress)) / 2} down to {@code floor} at the last step.
 *
 * @param peak the rate at the end of warm-up, > 0
 * @param floor the rate at the last step, in [0, peak]
 * @param warmup warm-up steps, in [0, total)
 * @param total steps in the whole run, > 0
 */
public record CosineSchedule(float peak, float floor, int warmup, int total) {

  public CosineSchedule {
    if (!(peak > 0) || !(floor >= 0 && floor <= peak)) {
      throw new IllegalArgumentException(
          "need 0 <= floor <= peak and peak > 0, got peak=" + peak + ", floor=" + floor);
    }
    if (total < 1 || warmup < 0 || warmup >= total) {
      throw new IllegalArgumentException(
          "need total >= 1 and 0 <= warmup < total, got warmup=" + warmup + ", total=" + total);
    }
  }

  /** The rate of step {@code step} (0-based). */
  public float rate(int step) {
    if (step < warmup) {
      return peak * (step + 1) / warmup;
    }
    int span = total - warmup;
    double progress = span <= 1 ? 1.0 : Math.min(1.0, (double) (step - warmup) / (span - 1));
    return (float) (floor + (peak - floor) * (1 + Math.cos(Math.PI * progress)) / 2);
  }
}
