package io.calmon.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.PromptVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a demo run did, measured: counts of everything that flowed, the prompt versions, and the ECE
 * of the task's base and new classes in each phase (from predictions joined with the true classes
 * the traffic generator knows; fractions; null where a phase had no predictions).
 */
record DemoSummary(Map<String, Object> fields, long lost) {

  static DemoSummary of(
      DemoSettings settings,
      Path model,
      TrafficGenerator traffic,
      DemoObserver observer,
      DemoTimeline timeline,
      long lost) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("model", model.toString());
    f.put("drift", settings.drift().name().toLowerCase(Locale.ROOT));
    f.put("duration_seconds", settings.duration().toSeconds());
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
    for (PromptVersion v : observer.versions()) {
      versions.add(versionEntry(v));
    }
    f.put("prompt_versions", versions);
    f.put("dead_letters", observer.deadLetters());
    f.put("lost", lost);
    Map<String, Object> ece = new LinkedHashMap<>();
    Map<String, Object> labelled = new LinkedHashMap<>();
    for (boolean isNew : new boolean[] {false, true}) {
      Map<String, Object> byPhase = new LinkedHashMap<>();
      Map<String, Object> counts = new LinkedHashMap<>();
      for (DemoPhase phase : DemoPhase.values()) {
        double value = observer.ece(isNew, phase);
        byPhase.put(phase.key(), Double.isNaN(value) ? null : value);
        counts.put(phase.key(), observer.labelled(isNew, phase));
      }
      ece.put(isNew ? "new" : "base", byPhase);
      labelled.put(isNew ? "new" : "base", counts);
    }
    f.put("ece", ece);
    f.put("predictions_per_phase", labelled);
    return new DemoSummary(f, lost);
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
