package io.calmon.monitor.alerting;

import io.calmon.monitor.ReportGroup;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.Severity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The label-free warning on traffic: a tuned prompt version's predictions of new classes are more
 * confident than the hand-written template is of the same predicted classes on the same images by
 * at least {@code threshold} (the report's {@code confidence_lift}, a {@link
 * io.calmon.core.calibration.ConfidenceLift}), over at least {@code minPredictions} predictions of
 * one window, provisional or final: seconds after the version starts serving, before any label.
 * Where zero-shot is calibrated the lift is the prompt's overconfidence; CoOp's new-class
 * overconfidence (DOR, arXiv 2410.02681) shows up as a lift the template does not have.
 *
 * <p>Only the NEW group by predicted class: on its base classes a tuned prompt is more accurate
 * than the template, so there the lift also counts accuracy gained, not overconfidence alone. A
 * warning only: it asks for no retraining, the ECE rule does once labels confirm it. One warning
 * per (deployment, prompt version): alert ids are derived from the pair, so reprocessing yields the
 * same id.
 *
 * @param threshold the lift at which to warn, in (0, 1); {@link #off()} never warns
 * @param minPredictions predictions with a zero-shot probability a window needs before it counts
 */
public record ConfidenceLiftRule(double threshold, long minPredictions) {

  /** Rule name carried by its alerts. */
  public static final String RULE = "confidence-lift-above-threshold";

  /** The default threshold: see docs/results/confidence-lift-*.md for how it was set. */
  public static final double DEFAULT_THRESHOLD = 0.05;

  /** The default number of predictions a window needs. */
  public static final long DEFAULT_MIN_PREDICTIONS = 100;

  /** Never warns. */
  public static ConfidenceLiftRule off() {
    return new ConfidenceLiftRule(Double.POSITIVE_INFINITY, DEFAULT_MIN_PREDICTIONS);
  }

  public static ConfidenceLiftRule defaults() {
    return new ConfidenceLiftRule(DEFAULT_THRESHOLD, DEFAULT_MIN_PREDICTIONS);
  }

  /**
   * The rule a threshold setting names: a number in (0, 1), or {@code off}.
   *
   * @throws IllegalArgumentException if it is neither
   */
  public static ConfidenceLiftRule parse(String value, long minPredictions) {
    String v = value == null ? "" : value.trim();
    if (v.equalsIgnoreCase("off")) {
      return new ConfidenceLiftRule(Double.POSITIVE_INFINITY, minPredictions);
    }
    try {
      double threshold = Double.parseDouble(v);
      if (threshold > 0 && threshold < 1) {
        return new ConfidenceLiftRule(threshold, minPredictions);
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException("must be a number in (0, 1), or off");
  }

  public ConfidenceLiftRule {
    if (!(threshold > 0) || (Double.isFinite(threshold) && threshold >= 1)) {
      throw new IllegalArgumentException(
          "confidence-lift-threshold must be in (0, 1), got " + threshold);
    }
    if (minPredictions < 1) {
      throw new IllegalArgumentException(
          "confidence-lift-min-predictions must be at least 1, got " + minPredictions);
    }
  }

  /** Whether the rule can fire at all. */
  public boolean isOn() {
    return Double.isFinite(threshold);
  }

  /**
   * The warning {@code report} raises, if it is a tuned version's NEW group (by predicted class)
   * with enough predictions and a lift at or above the threshold.
   */
  public Optional<Alert> evaluate(CalibrationReport report) {
    Double lift = report.getConfidenceLift();
    if (!isOn()
        || ReportGroup.of(report) != ReportGroup.NEW
        || report.getPromptVersion() == 0
        || lift == null
        || report.getLiftCount() < minPredictions
        || !(lift >= threshold)) {
      return Optional.empty();
    }
    String message =
        String.format(
            Locale.ROOT,
            "predictions of new classes %.1f points more confident than the zero-shot template is"
                + " of the same classes (over %d predictions), at or above %.1f, prompt version %d:"
                + " the prompt is likely overconfident on classes it was not tuned on (measured"
                + " without labels)",
            100 * lift,
            report.getLiftCount(),
            100 * threshold,
            report.getPromptVersion());
    String identity =
        String.join("|", RULE, report.getDeployment(), Long.toString(report.getPromptVersion()));
    return Optional.of(
        Alert.newBuilder()
            .setAlertId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)))
            .setDeployment(report.getDeployment())
            .setPromptVersion(report.getPromptVersion())
            .setGroup(CalibrationGroup.NEW)
            .setRule(RULE)
            .setSeverity(Severity.WARNING)
            .setRaisedAt(report.getEmittedAt())
            .setThreshold(threshold)
            .setObserved(lift)
            .setMessage(message)
            .setEvidence(List.of(report))
            .build());
  }
}
