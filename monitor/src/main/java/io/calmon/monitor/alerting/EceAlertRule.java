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
 * <p>With {@code reference} {@link Reference#ZERO_SHOT} the rule reads ECE <em>above
 * zero-shot's</em>: the report's ECE minus the hand-written template's miscalibration on the same
 * labelled events ({@code zero_shot_ece_beyond_noise}: its ECE less the small-sample bias a
 * calibrated model would show; from the answer every prediction carries), so a version is not
 * blamed for the miscalibration the model has without any prompt, and where zero-shot is calibrated
 * the rule is the absolute one (a report without the template's figures, from scorers that do not
 * send them, is read against 0).
 *
 * @param eceThreshold ECE above which a window breaches, a fraction in (0, 1)
 * @param minLabelled labelled predictions a window needs before it counts at all
 * @param consecutiveWindows breaching windows in a row needed to fire, at least 1
 * @param cooldown event time after an alert during which the rule does not fire again
 * @param requireCiAboveThreshold also require the ECE interval's lower end above the threshold and
 *     the ECE above the report's noise floor
 * @param reference what the threshold is measured from
 */
public record EceAlertRule(
    double eceThreshold,
    long minLabelled,
    int consecutiveWindows,
    Duration cooldown,
    boolean requireCiAboveThreshold,
    Reference reference) {

  /** What a window's ECE is compared with the threshold from. */
  public enum Reference {
    /** The ECE itself: above {@code eceThreshold}. */
    NONE,
    /** The ECE minus the template's miscalibration on the same labelled events. */
    ZERO_SHOT;

    /** The reference a setting names: {@code none} or {@code zero-shot}. */
    public static Reference parse(String value) {
      String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
      return switch (v) {
        case "none" -> NONE;
        case "zero-shot" -> ZERO_SHOT;
        default -> throw new IllegalArgumentException("must be none or zero-shot");
      };
    }

    /** The setting's spelling. */
    public String label() {
      return this == NONE ? "none" : "zero-shot";
    }
  }

  /** A rule on the ECE itself. */
  public EceAlertRule(
      double eceThreshold,
      long minLabelled,
      int consecutiveWindows,
      Duration cooldown,
      boolean requireCiAboveThreshold) {
    this(
        eceThreshold,
        minLabelled,
        consecutiveWindows,
        cooldown,
        requireCiAboveThreshold,
        Reference.NONE);
  }

  /**
   * Defaults: ECE above 5% in 2 windows in a row with 100 labels each, CI-gated, 30 min cooldown.
   */
  public static EceAlertRule defaults() {
    return new EceAlertRule(0.05, 100, 2, Duration.ofMinutes(30), true);
  }

  /**
   * What a report's figure {@code value} (its ECE, or an end of its interval) is above the base.
   */
  public double excess(double value, Double zeroShotEce) {
    return reference == Reference.ZERO_SHOT && zeroShotEce != null ? value - zeroShotEce : value;
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
    if (reference == null) {
      throw new IllegalArgumentException("ece reference must be none or zero-shot");
    }
  }
}
