package io.calmon.monitor.alerting;

import java.time.Duration;

/**
 * When a group's calibration is bad enough to alert and ask for retraining.
 *
 * <p>A final window report <em>breaches</em> the rule when it has at least {@code minLabelled}
 * labelled predictions and its ECE is above {@code eceThreshold} (and, with {@code
 * requireCiAboveThreshold}, the lower end of its ECE confidence interval is above it too, and the
 * ECE is above the report's noise floor, the ECE a calibrated model with the same confidences
 * exceeds only 5% of the time on as many labels, so that sampling noise alone rarely fires). The
 * rule fires after {@code consecutiveWindows} breaching windows in a row, then stays quiet for
 * {@code cooldown} of event time.
 *
 * @param eceThreshold ECE above which a window breaches, a fraction in (0, 1)
 * @param minLabelled labelled predictions a window needs before it counts at all
 * @param consecutiveWindows breaching windows in a row needed to fire, at least 1
 * @param cooldown event time after an alert during which the rule does not fire again
 * @param requireCiAboveThreshold also require the ECE interval's lower end above the threshold and
 *     the ECE above the report's noise floor
 */
public record EceAlertRule(
    double eceThreshold,
    long minLabelled,
    int consecutiveWindows,
    Duration cooldown,
    boolean requireCiAboveThreshold) {

  /**
   * Defaults: ECE above 5% in 2 windows in a row with 100 labels each, CI-gated, 30 min cooldown.
   */
  public static EceAlertRule defaults() {
    return new EceAlertRule(0.05, 100, 2, Duration.ofMinutes(30), true);
  }

  public EceAlertRule {
    if (!(eceThreshold > 0 && eceThreshold < 1)) {
      throw new IllegalArgumentException("ece threshold must be in (0, 1), got " + eceThreshold);
    }
    if (minLabelled < 1) {
      throw new IllegalArgumentException("min labelled must be at least 1, got " + minLabelled);
    }
    if (consecutiveWindows < 1) {
      throw new IllegalArgumentException(
          "consecutive windows must be at least 1, got " + consecutiveWindows);
    }
    if (cooldown == null || cooldown.isNegative()) {
      throw new IllegalArgumentException("cooldown must be zero or positive, got " + cooldown);
    }
  }
}
