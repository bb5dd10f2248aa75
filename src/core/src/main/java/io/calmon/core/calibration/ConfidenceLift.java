package io.calmon.core.calibration;

/**
 * How much more confident a prompt is than the hand-written template on the same images, measured
 * without a label: over predictions, the mean of the prompt's confidence {@code p(ŷ|x)} minus the
 * template's (zero-shot) probability {@code q(ŷ|x)} of the same predicted class over the same class
 * set.
 *
 * <p>Why it estimates overconfidence: were zero-shot calibrated ({@code q(y|x) = P(y|x)}), {@code
 * q(ŷ|x)} would be the probability that the prompt's prediction is right, so its mean is the
 * prompt's expected accuracy and the lift is the prompt's confidence minus its accuracy. Zero-shot
 * CLIP is close to calibrated on classes a prompt was never tuned on (DOR, arXiv 2410.02681:
 * new-class ECE 4.61% for zero-shot against 14.58% for CoOp, ViT-B/16 over 11 datasets); where it
 * is over- or underconfident itself, the lift is off by zero-shot's own miscalibration on those
 * predictions. A prompt that is the template scores a lift of exactly 0.
 *
 * <p>A mutable sum: predictions are added one at a time, and sums over disjoint predictions merge
 * exactly ({@link #addAll}).
 */
public final class ConfidenceLift {

  private long count;
  private double confidenceSum;
  private double zeroShotSum;

  /** No predictions yet. */
  public ConfidenceLift() {}

  /**
   * Sums kept elsewhere (a store), restored.
   *
   * @throws IllegalArgumentException if the count is negative or a sum lies outside [0, count]
   */
  public static ConfidenceLift of(long count, double confidenceSum, double zeroShotSum) {
    if (count < 0
        || !(confidenceSum >= 0 && confidenceSum <= count * (1 + 1e-9))
        || !(zeroShotSum >= 0 && zeroShotSum <= count * (1 + 1e-9))) {
      throw new IllegalArgumentException(
          "a confidence lift of "
              + count
              + " predictions needs sums in [0, "
              + count
              + "], got "
              + confidenceSum
              + " and "
              + zeroShotSum);
    }
    ConfidenceLift lift = new ConfidenceLift();
    lift.count = count;
    lift.confidenceSum = confidenceSum;
    lift.zeroShotSum = zeroShotSum;
    return lift;
  }

  /**
   * Adds one prediction.
   *
   * @param confidence the prompt's probability of its predicted class
   * @param zeroShotProbability the template's probability of that same class
   * @throws IllegalArgumentException if either is NaN or outside [0, 1]
   */
  public void add(double confidence, double zeroShotProbability) {
    if (!(confidence >= 0 && confidence <= 1)
        || !(zeroShotProbability >= 0 && zeroShotProbability <= 1)) {
      throw new IllegalArgumentException(
          "a confidence and a zero-shot probability must lie in [0, 1], got "
              + confidence
              + " and "
              + zeroShotProbability);
    }
    count++;
    confidenceSum += confidence;
    zeroShotSum += zeroShotProbability;
  }

  /** Adds every prediction {@code other} holds (mutating this sum only). */
  public void addAll(ConfidenceLift other) {
    count += other.count;
    confidenceSum += other.confidenceSum;
    zeroShotSum += other.zeroShotSum;
  }

  public long count() {
    return count;
  }

  public double confidenceSum() {
    return confidenceSum;
  }

  public double zeroShotSum() {
    return zeroShotSum;
  }

  /** Mean confidence minus mean zero-shot probability of the predicted class; NaN when empty. */
  public double lift() {
    return count == 0 ? Double.NaN : (confidenceSum - zeroShotSum) / count;
  }

  /** The mean zero-shot probability of the predicted class: zero-shot's estimate of accuracy. */
  public double zeroShotAccuracy() {
    return count == 0 ? Double.NaN : zeroShotSum / count;
  }
}
