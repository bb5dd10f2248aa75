package io.calmon.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.calmon.core.calibration.CalibrationSketch;
import io.calmon.monitor.ReportGroup;
import io.calmon.monitor.alerting.AlertPolicy;
import io.calmon.monitor.alerting.ConfidenceLiftRule;
import io.calmon.monitor.alerting.TextDivergenceRule;
import io.calmon.pretrain.TaskBand;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.TextShift;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a demo run did, measured: counts of everything that flowed; per prompt version served, per
 * group of true classes (the version's base classes, the others), its predictions, labels,
 * accuracy, ECE and mean confidence beside zero-shot's on the same labelled events; the alerts;
 * when things happened; and the ECE of the task's base and new classes in each phase. Every figure
 * is from committed predictions joined with the true classes the traffic generator knows, over the
 * events that get a label (the monitor's population); fractions; null where there was nothing to
 * measure. The HTML report's tables are drawn from this summary.
 */
record DemoSummary(Map<String, Object> fields, long lost, Map<Long, VersionGroups> versionGroups) {

  static DemoSummary of(
      DemoSettings settings,
      Path model,
      TaskBand.Drawn drawn,
      TrafficGenerator traffic,
      DemoObserver observer,
      DemoTimeline timeline,
      Instant trafficStart,
      long lost) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("model", model.toString());
    f.put("scenario", settings.scenario().flag());
    f.put("task_seed", settings.seed());
    if (drawn != null) {
      Map<String, Object> draw = new LinkedHashMap<>();
      draw.put("band", settings.band().toString());
      draw.put("draws", drawn.draws());
      draw.put("drawn_seed", drawn.task().seed());
      draw.put("probe_base_accuracy", drawn.probe().base().accuracy());
      draw.put("probe_new_accuracy", drawn.probe().fresh().accuracy());
      f.put("task_draw", draw);
    }
    f.put("tuning_seed", settings.tuningSeed());
    f.put("duration_seconds", settings.duration().toSeconds());
    f.put("window_seconds", settings.window().toSeconds());
    f.put("events_produced", traffic.eventsSent());
    f.put("labels_produced", traffic.labelsSent());
    f.put("predictions", observer.predictions());
    f.put("distinct_predicted_events", observer.distinctPredicted());
    f.put("duplicate_predictions", observer.predictions() - observer.distinctPredicted());
    long joined = 0;
    for (CalibrationReport r : timeline.finals()) {
      if (r.getGroup() == CalibrationGroup.ALL) {
        joined += r.getLabelledCount();
      }
    }
    f.put("labels_joined", joined);
    f.put("reports", observer.reports());
    f.put("alerts", observer.alerts());
    f.put("retrain_requests", observer.retrainRequests());
    List<Map<String, Object>> versions = new ArrayList<>();
    Map<Long, VersionGroups> byVersion = new LinkedHashMap<>();
    List<DemoObserver.Scored> scored = observer.scored();
    for (DemoObserver.Published p : observer.published()) {
      Map<String, Object> entry = versionEntry(p.version());
      entry.put("published_seconds", seconds(trafficStart, p.readAt()));
      VersionGroups groups =
          VersionGroups.of(p.version(), scored, observer::truth, timeline.bins());
      byVersion.put(p.version().getVersion(), groups);
      entry.put("groups", groups.fields());
      versions.add(entry);
    }
    f.put("prompt_versions", versions);
    List<Map<String, Object>> alerts = new ArrayList<>();
    for (DemoObserver.Raised r : observer.raised()) {
      alerts.add(alertEntry(r, trafficStart));
    }
    f.put("alert_list", alerts);
    List<Map<String, Object>> health = new ArrayList<>();
    for (DemoObserver.Measured m : observer.measured()) {
      health.add(healthEntry(m, trafficStart));
    }
    f.put("prompt_health", health);
    Map<String, Object> times = new LinkedHashMap<>();
    times.put("change_seconds", seconds(trafficStart, timeline.driftStart()));
    times.put("first_alert_seconds", firstSeconds(alerts, AlertPolicy.ECE_RULE));
    times.put("first_text_warning_seconds", firstSeconds(alerts, TextDivergenceRule.RULE));
    times.put("first_lift_warning_seconds", firstSeconds(alerts, ConfidenceLiftRule.RULE));
    Object retrained = null;
    for (Map<String, Object> v : versions) {
      if (v.get("parent") != null) {
        retrained = v.get("published_seconds");
        break;
      }
    }
    times.put("first_retrained_version_seconds", retrained);
    f.put("times", times);
    f.put("dead_letters", observer.deadLetters());
    f.put("lost", lost);
    // Per phase and the task's base/new split, over the same labelled predictions.
    Map<Boolean, Map<DemoPhase, CalibrationSketch>> phases = new HashMap<>();
    for (DemoObserver.Scored s : scored) {
      DemoObserver.Truth truth = observer.truth(s.eventId());
      if (truth != null && truth.labelled()) {
        phases
            .computeIfAbsent(truth.newClass(), k -> new EnumMap<>(DemoPhase.class))
            .computeIfAbsent(s.phase(), k -> new CalibrationSketch(timeline.bins()))
            .add(s.confidence(), s.predictedClass().equals(truth.trueClass()));
      }
    }
    Map<String, Object> ece = new LinkedHashMap<>();
    Map<String, Object> labelled = new LinkedHashMap<>();
    for (boolean isNew : new boolean[] {false, true}) {
      Map<String, Object> byPhase = new LinkedHashMap<>();
      Map<String, Object> counts = new LinkedHashMap<>();
      for (DemoPhase phase : DemoPhase.values()) {
        CalibrationSketch sketch = phases.getOrDefault(isNew, Map.of()).get(phase);
        byPhase.put(phase.key(), sketch == null ? null : sketch.ece());
        counts.put(phase.key(), sketch == null ? 0L : sketch.count());
      }
      ece.put(isNew ? "new" : "base", byPhase);
      labelled.put(isNew ? "new" : "base", counts);
    }
    f.put("ece", ece);
    f.put("predictions_per_phase", labelled);
    return new DemoSummary(f, lost, byVersion);
  }

  /** Seconds from {@code start} to {@code at}, one decimal; null when {@code at} is. */
  private static Double seconds(Instant start, Instant at) {
    return at == null ? null : Math.round(Duration.between(start, at).toMillis() / 100.0) / 10.0;
  }

  /** When the first alert of {@code rule} was read, or null. */
  private static Object firstSeconds(List<Map<String, Object>> alerts, String rule) {
    return alerts.stream()
        .filter(a -> rule.equals(a.get("rule")))
        .map(a -> a.get("seconds"))
        .findFirst()
        .orElse(null);
  }

  /**
   * One entry of {@code prompt_health}: a served (prompt version, class set) and its text features'
   * shift per group, measured by a scorer without labels.
   */
  private static Map<String, Object> healthEntry(DemoObserver.Measured m, Instant trafficStart) {
    PromptHealth h = m.health();
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("seconds", seconds(trafficStart, m.readAt()));
    entry.put("prompt_version", h.getPromptVersion());
    entry.put("class_set_version", h.getClassSetVersion());
    entry.put("method", h.getMethod());
    for (String group : List.of("base", "new")) {
      TextShift shift = group.equals("base") ? h.getBaseClasses() : h.getNewClasses();
      Map<String, Object> g = new LinkedHashMap<>();
      if (shift != null) {
        g.put("classes", shift.getClasses());
        double ratio = TextDivergenceRule.divergenceRatio(shift);
        g.put("divergence_ratio", Double.isNaN(ratio) ? null : ratio);
        g.put("deviation", shift.getDeviation());
      }
      entry.put(group, shift == null ? null : g);
    }
    return entry;
  }

  /** One entry of {@code alert_list}: what fired, on which group and version, on what ECE. */
  private static Map<String, Object> alertEntry(DemoObserver.Raised r, Instant trafficStart) {
    Alert a = r.alert();
    Map<String, Object> alert = new LinkedHashMap<>();
    alert.put("seconds", seconds(trafficStart, r.readAt()));
    alert.put("rule", a.getRule());
    List<CalibrationReport> evidence = a.getEvidence();
    alert.put(
        "group",
        evidence.isEmpty()
            ? a.getGroup().name().toLowerCase(Locale.ROOT)
            : ReportGroup.of(evidence.get(evidence.size() - 1)).label());
    alert.put("prompt_version", a.getPromptVersion());
    alert.put("threshold", a.getThreshold());
    alert.put("observed", a.getObserved());
    return alert;
  }

  void write(Path file) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), fields);
  }

  @SuppressWarnings("unchecked")
  void print(PrintWriter out) {
    Map<String, Object> ece = (Map<String, Object>) fields.get("ece");
    out.println("demo summary:");
    out.printf(
        Locale.ROOT,
        "  events %s, predictions %s (lost %d, duplicates %s), labels joined %s, reports %s,"
            + " alerts %s, retrain requests %s, prompt versions %d, dead letters %s%n",
        fields.get("events_produced"),
        fields.get("predictions"),
        lost,
        fields.get("duplicate_predictions"),
        fields.get("labels_joined"),
        fields.get("reports"),
        fields.get("alerts"),
        fields.get("retrain_requests"),
        ((List<?>) fields.get("prompt_versions")).size(),
        fields.get("dead_letters"));
    for (Map<String, Object> v : (List<Map<String, Object>>) fields.get("prompt_versions")) {
      Map<String, Object> groups = (Map<String, Object>) v.get("groups");
      StringBuilder line = new StringBuilder();
      for (String group : List.of("base", "new")) {
        Map<String, Object> g = (Map<String, Object>) groups.get(group);
        if (((Number) g.get("labels")).longValue() == 0) {
          continue;
        }
        Map<String, Object> z = (Map<String, Object>) g.get("zero_shot");
        line.append(
            String.format(
                Locale.ROOT,
                "; %s classes ECE %s (zero-shot %s), accuracy %s (zero-shot %s), %s labels,"
                    + " confidence lift %s",
                group,
                show(g.get("ece")),
                show(z.get("ece")),
                show(g.get("accuracy")),
                show(z.get("accuracy")),
                g.get("labels"),
                show(g.get("confidence_lift"))));
      }
      out.printf(
          Locale.ROOT,
          "  prompt version %s (%s)%s%n",
          v.get("version"),
          v.get("method"),
          line.length() == 0 ? ": no labelled predictions" : line.toString());
    }
    for (Map<String, Object> a : (List<Map<String, Object>>) fields.get("alert_list")) {
      out.printf(
          Locale.ROOT,
          "  alert at %ss: %s on %s of prompt version %s, observed %s%n",
          a.get("seconds"),
          a.get("rule"),
          a.get("group"),
          a.get("prompt_version"),
          String.valueOf(a.get("rule")).startsWith("ece")
              ? show(a.get("observed"))
              : String.format(Locale.ROOT, "%.3f", (Double) a.get("observed")));
    }
    for (String group : List.of("base", "new")) {
      Map<String, Object> phases = (Map<String, Object>) ece.get(group);
      out.printf(
          Locale.ROOT,
          "  %-4s classes ECE: before drift %s, during drift %s, after retrain %s%n",
          group,
          show(phases.get("before_drift")),
          show(phases.get("during_drift")),
          show(phases.get("after_retrain")));
    }
    out.flush();
  }

  private static String show(Object fraction) {
    return fraction == null ? "-" : DemoRun.percent((Double) fraction).strip();
  }

  /**
   * One entry of {@code prompt_versions}: lineage, method, and for a retrained version what the
   * trainer published (the {@code outcome}: {@code retuned} context or {@code recalibrated} served
   * context with a refitted temperature), on which held-out examples, and their ECE before and
   * after (null where the version does not say).
   */
  static Map<String, Object> versionEntry(PromptVersion v) {
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("version", v.getVersion());
    version.put("parent", v.getParentVersion());
    version.put("method", v.getMethod());
    version.put("trigger", v.getTriggerId());
    version.put("base_classes", v.getBaseClasses().size());
    String posthoc = v.getHyperParameters().getOrDefault("posthoc_temperature", "");
    String outcome =
        v.getParentVersion() == null
            ? "bootstrap"
            : posthoc.startsWith("heldout-refit") ? "recalibrated" : "retuned";
    version.put("outcome", outcome);
    version.put("temperature", v.getTemperature());
    version.put("heldout_from", v.getHyperParameters().get("heldout_from"));
    version.put("heldout_n", v.getMetrics().get("heldout_n"));
    version.put("heldout_ece_before", v.getMetrics().get("heldout_current_ece"));
    version.put("heldout_ece_after", v.getMetrics().get("heldout_candidate_ece"));
    return version;
  }
}
