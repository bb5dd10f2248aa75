package io.calmon.monitor.alerting;

import io.calmon.monitor.ReportGroup;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationGrouping;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.Severity;
import io.calmon.schemas.state.AlertStreak;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Decides, one final window report at a time, whether calibration alerts fire. Pure: the state of
 * one (deployment, group) goes in and comes out, so the Kafka Streams processor only stores it.
 *
 * <p>Rules, per group (see {@link EceAlertRule}): a window with too few labels neither extends nor
 * breaks a streak; a window under the threshold breaks it; a report for another prompt version
 * starts a new streak (a new version deserves fresh evidence); reports for windows older than the
 * last one evaluated are ignored. Alert ids are derived from the firing report, so reprocessing the
 * same reports yields the same alert ids.
 */
public final class AlertPolicy {

  /** Rule name carried by ECE alerts. */
  public static final String ECE_RULE = "ece-above-threshold";

  private final Map<ReportGroup, EceAlertRule> rules;

  /**
   * @param rules the rule for each group to watch; groups without a rule never alert
   */
  public AlertPolicy(Map<ReportGroup, EceAlertRule> rules) {
    this.rules = rules.isEmpty() ? Map.of() : new EnumMap<>(rules);
  }

  /** What evaluating one report produced: the next state and maybe an alert. */
  public record Outcome(AlertStreak state, Optional<Alert> alert) {}

  /**
   * Evaluates one report.
   *
   * @param state the current state of the report's (deployment, group), or null for none yet
   * @param report a final window report
   */
  public Outcome evaluate(AlertStreak state, CalibrationReport report) {
    EceAlertRule rule = rules.get(ReportGroup.of(report));
    AlertStreak next = state == null ? fresh(report) : AlertStreak.newBuilder(state).build();
    if (rule == null || !report.getFinal$()) {
      return new Outcome(next, Optional.empty());
    }
    if (next.getPromptVersion() != report.getPromptVersion()) {
      next.setPromptVersion(report.getPromptVersion());
      next.setStreak(new ArrayList<>());
    }
    Instant windowEnd = report.getWindowEnd();
    if (next.getLastWindowEnd() != null && !windowEnd.isAfter(next.getLastWindowEnd())) {
      return new Outcome(next, Optional.empty());
    }
    next.setLastWindowEnd(windowEnd);
    if (report.getLabelledCount() < rule.minLabelled()) {
      return new Outcome(next, Optional.empty());
    }
    if (!breaches(rule, report)) {
      next.setStreak(new ArrayList<>());
      return new Outcome(next, Optional.empty());
    }
    List<CalibrationReport> streak = new ArrayList<>(next.getStreak());
    streak.add(report);
    while (streak.size() > rule.consecutiveWindows()) {
      streak.remove(0);
    }
    next.setStreak(streak);
    if (streak.size() < rule.consecutiveWindows() || coolingDown(rule, next, windowEnd)) {
      return new Outcome(next, Optional.empty());
    }
    next.setLastAlertWindowEnd(windowEnd);
    Alert alert = alert(rule, report, streak);
    next.setStreak(new ArrayList<>());
    return new Outcome(next, Optional.of(alert));
  }

  private static boolean breaches(EceAlertRule rule, CalibrationReport report) {
    Double zeroShot = zeroShotReference(report);
    boolean above = rule.excess(report.getEce(), zeroShot) > rule.eceThreshold();
    if (!above || !rule.requireCiAboveThreshold()) {
      return above;
    }
    // The bootstrap interval is centred on ECE's small-sample bias, so its lower end alone let
    // windows of ~60 labels from a calibrated model breach a 5% rule; the noise floor does not.
    Double floor = report.getEceNoiseFloor();
    return rule.excess(report.getEceCiLow(), zeroShot) > rule.eceThreshold()
        && (floor == null || report.getEce() > floor);
  }

  /**
   * The template's miscalibration on a report's labelled events: its ECE beyond sampling noise, or
   * its ECE where the report does not say (null when the report has neither).
   */
  private static Double zeroShotReference(CalibrationReport report) {
    return report.getZeroShotEceBeyondNoise() != null
        ? report.getZeroShotEceBeyondNoise()
        : report.getZeroShotEce();
  }

  private static boolean coolingDown(EceAlertRule rule, AlertStreak state, Instant windowEnd) {
    Instant last = state.getLastAlertWindowEnd();
    return last != null && windowEnd.isBefore(last.plus(rule.cooldown()));
  }

  private static AlertStreak fresh(CalibrationReport report) {
    return AlertStreak.newBuilder()
        .setDeployment(report.getDeployment())
        .setGroup(report.getGroup())
        .setPromptVersion(report.getPromptVersion())
        .setStreak(new ArrayList<>())
        .build();
  }

  private static Alert alert(
      EceAlertRule rule, CalibrationReport report, List<CalibrationReport> evidence) {
    Double zeroShot = zeroShotReference(report);
    boolean critical = rule.excess(report.getEceCiLow(), zeroShot) > 2 * rule.eceThreshold();
    boolean relative = rule.reference() == EceAlertRule.Reference.ZERO_SHOT && zeroShot != null;
    String group = report.getGroup().name().toLowerCase(java.util.Locale.ROOT);
    String grouping =
        report.getGrouping() == CalibrationGrouping.TRUE_CLASS
            ? "images of " + group + " classes"
            : "predicted as " + group + " classes";
    String bar =
        relative
            ? String.format(
                java.util.Locale.ROOT,
                "more than %.1f points above zero-shot's %.1f%% (beyond sampling noise) on the same"
                    + " events",
                100 * rule.eceThreshold(),
                100 * zeroShot)
            : String.format(java.util.Locale.ROOT, "above %.1f%%", 100 * rule.eceThreshold());
    String message =
        String.format(
            java.util.Locale.ROOT,
            "%s-class ECE %.1f%% (%s; 95%% CI %.1f-%.1f%%) %s for %d window(s) in a"
                + " row, prompt version %d, %d labelled in the last window",
            group,
            100 * report.getEce(),
            grouping,
            100 * report.getEceCiLow(),
            100 * report.getEceCiHigh(),
            bar,
            evidence.size(),
            report.getPromptVersion(),
            report.getLabelledCount());
    String identity =
        String.join(
            "|",
            ECE_RULE,
            report.getDeployment(),
            ReportGroup.of(report).name(),
            Long.toString(report.getPromptVersion()),
            Long.toString(report.getWindowEnd().toEpochMilli()));
    return Alert.newBuilder()
        .setAlertId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)))
        .setDeployment(report.getDeployment())
        .setPromptVersion(report.getPromptVersion())
        .setGroup(report.getGroup())
        .setRule(ECE_RULE)
        .setSeverity(critical ? Severity.CRITICAL : Severity.WARNING)
        .setRaisedAt(report.getEmittedAt())
        .setThreshold(rule.eceThreshold())
        .setObserved(rule.excess(report.getEce(), zeroShot))
        .setMessage(message)
        .setEvidence(List.copyOf(evidence))
        .build();
  }
}
