package io.calmon.monitor;

import io.calmon.core.prompt.TextFeatureShift;
import io.calmon.monitor.alerting.TextDivergenceRule;
import io.calmon.monitor.topology.MonitorCounters;
import io.calmon.monitor.topology.MonitorListener;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.TextShift;
import io.calmon.service.MetricsRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * The monitor's Prometheus metrics: the topology's {@link MonitorCounters}, what it emitted (seen
 * through its {@link MonitorListener} hook), the latest final ECE per (deployment, group), and the
 * JVM's metrics. The service binds its Kafka Streams client's metrics to the same registry.
 */
final class MonitorMetrics implements MonitorListener {

  private final LongAdder provisionalReports = new LongAdder();
  private final LongAdder finalReports = new LongAdder();
  private final LongAdder alerts = new LongAdder();
  private final Map<Map<String, String>, Latest> latestEce = new ConcurrentHashMap<>();
  private final Map<Map<String, String>, Latest> latestLift = new ConcurrentHashMap<>();
  private final MetricsRegistry registry = new MetricsRegistry().withJvmMetrics();

  private final Map<Map<String, String>, Double> textShift = new ConcurrentHashMap<>();

  /** A report's figure and its window's end: a later window's replaces it, an earlier one not. */
  private record Latest(Instant windowEnd, double value) {}

  MonitorMetrics(MonitorCounters counters, DoubleSupplier running) {
    registry
        .counter(
            "calmon_monitor_predictions_total",
            "Records read from the predictions topic, good or bad.",
            counters::predictions)
        .counter(
            "calmon_monitor_labels_total",
            "Records read from the labels topic, good or bad.",
            counters::labels)
        .counter(
            "calmon_monitor_dead_letters_total",
            "Records sent to dead-letters (undecodable, invalid, or for closed windows only).",
            counters::deadLetters)
        .counter(
            "calmon_monitor_late_labels_total",
            "Labels more than label delay + grace after their event, in either arrival order:"
                + " counted, not used.",
            counters::lateLabels)
        .counters(
            "calmon_monitor_late_observations_total",
            "Observations that reached their join task after every window containing them had"
                + " closed, by kind (scored: late predictions), once per prediction or label:"
                + " sent to dead-letters (WINDOWS_CLOSED), in no report.",
            () -> byKind(counters.lateObservations()))
        .counters(
            "calmon_monitor_partly_late_observations_total",
            "Observations that reached their join task after some but not all of their hopping"
                + " windows had closed, by kind: counted in the open ones only.",
            () -> byKind(counters.partlyLateObservations()))
        .counter(
            "calmon_monitor_late_parts_total",
            "Parts of a window aggregate that reached the merger after the window's final report"
                + " (from an input partition that had been idle): sent to dead-letters.",
            counters::lateParts)
        .counter(
            "calmon_monitor_duplicate_predictions_total",
            "Second predictions for an event id already scored.",
            counters::duplicatePredictions)
        .counter(
            "calmon_monitor_duplicate_labels_total",
            "Second labels for an event id already labelled.",
            counters::duplicateLabels)
        .counter(
            "calmon_monitor_unmatched_labels_total",
            "Labels whose prediction never arrived before the label expired.",
            counters::unmatchedLabels)
        .counter(
            "calmon_monitor_provisional_reports_total",
            "Provisional calibration reports emitted.",
            provisionalReports::sum)
        .counter(
            "calmon_monitor_final_reports_total",
            "Final calibration reports emitted.",
            finalReports::sum)
        .counter("calmon_monitor_alerts_total", "Calibration alerts raised.", alerts::sum)
        .gauges(
            "calmon_monitor_final_ece",
            "ECE of the latest final window report per deployment, prompt version and group.",
            () -> series(latestEce))
        .gauges(
            "calmon_monitor_confidence_lift",
            "Confidence lift over zero-shot of the latest window report, provisional or final, per"
                + " deployment, prompt version and group: mean confidence minus the zero-shot"
                + " template's mean probability of the same predicted classes. No label needed.",
            () -> series(latestLift))
        .counter(
            "calmon_monitor_prompt_health_total",
            "Records read from the prompt-health topic, good or bad (each scorer sends a copy).",
            counters::promptHealths)
        .gauges(
            "calmon_monitor_text_shift",
            "The served prompt's latest text-feature shift per deployment, group (base, new) and"
                + " measure: divergence_ratio (tuned over zero-shot mean pairwise distance),"
                + " separation_ratio, deviation (mean distance from the zero-shot features). No"
                + " label needed.",
            () -> Map.copyOf(textShift))
        .gauge("calmon_monitor_running", "1 while the Kafka Streams client is RUNNING.", running);
  }

  MetricsRegistry registry() {
    return registry;
  }

  @Override
  public void onReport(CalibrationReport report) {
    // One series per deployment, prompt version and group: BASE by predicted class and TRUE_BASE
    // by true class are different series (they overwrote each other under the bare group name).
    Map<String, String> labels =
        Map.of(
            "deployment",
            report.getDeployment(),
            "prompt_version",
            Long.toString(report.getPromptVersion()),
            "group",
            ReportGroup.of(report).label());
    if (report.getConfidenceLift() != null) {
      putLatest(latestLift, labels, new Latest(report.getWindowEnd(), report.getConfidenceLift()));
    }
    if (!report.getFinal$()) {
      provisionalReports.increment();
      return;
    }
    finalReports.increment();
    putLatest(latestEce, labels, new Latest(report.getWindowEnd(), report.getEce()));
  }

  private static void putLatest(
      Map<Map<String, String>, Latest> series, Map<String, String> labels, Latest candidate) {
    series.merge(
        labels, candidate, (old, now) -> now.windowEnd().isBefore(old.windowEnd()) ? old : now);
  }

  @Override
  public void onPromptHealth(PromptHealth health) {
    putShift(health.getDeployment(), "base", health.getBaseClasses());
    putShift(health.getDeployment(), "new", health.getNewClasses());
  }

  private void putShift(String deployment, String group, TextShift measured) {
    TextFeatureShift shift = TextDivergenceRule.shift(measured);
    Map<String, Double> values =
        shift == null
            ? Map.of()
            : Map.of(
                "divergence_ratio", shift.divergenceRatio(),
                "separation_ratio", shift.separationRatio(),
                "deviation", shift.deviation());
    for (String measure : List.of("divergence_ratio", "separation_ratio", "deviation")) {
      Map<String, String> labels =
          Map.of("deployment", deployment, "group", group, "measure", measure);
      double value = values.getOrDefault(measure, Double.NaN);
      if (Double.isNaN(value)) {
        textShift.remove(labels); // the group is not served, or has no pairs
      } else {
        textShift.put(labels, value);
      }
    }
  }

  /** The latest text-shift measure of (deployment, group), or null; for tests. */
  Double textShift(String deployment, String group, String measure) {
    return textShift.get(Map.of("deployment", deployment, "group", group, "measure", measure));
  }

  @Override
  public void onAlert(Alert alert) {
    alerts.increment();
  }

  /** The latest final ECE of (deployment, group), or NaN if none yet; for tests and the CLI. */
  double latestFinalEce(String deployment, long promptVersion, ReportGroup group) {
    Latest latest =
        latestEce.get(
            Map.of(
                "deployment",
                deployment,
                "prompt_version",
                Long.toString(promptVersion),
                "group",
                group.label()));
    return latest == null ? Double.NaN : latest.value();
  }

  private static Map<Map<String, String>, Double> byKind(Map<String, Long> counts) {
    Map<Map<String, String>, Double> series = new HashMap<>();
    counts.forEach((kind, count) -> series.put(Map.of("kind", kind), (double) count));
    return series;
  }

  private static Map<Map<String, String>, Double> series(Map<Map<String, String>, Latest> latest) {
    Map<Map<String, String>, Double> series = new HashMap<>();
    latest.forEach((labels, figure) -> series.put(labels, figure.value()));
    return series;
  }
}
