package io.calmon.trainer.service;

import io.calmon.service.MetricsRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * What the trainer has done, as monotonic counters and gauges, readable from any thread (for the
 * metrics endpoint or a test). Names follow Prometheus conventions; {@link #registry} exposes them
 * at {@code /metrics}.
 */
public final class TrainerCounters {

  /** Why a retrain request was not acted on; the {@code reason} label of the skipped counter. */
  public enum Skip {
    /** Its id was handled before, or it is the trigger of the live prompt version. */
    DUPLICATE,
    /** Another retraining started less than the cooldown ago. */
    COOLDOWN,
    /** A retraining was still running. */
    IN_PROGRESS;

    /** The label value: {@code duplicate}, {@code cooldown}, {@code in_progress}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  final AtomicLong eventsJoined = new AtomicLong();
  final AtomicLong examplesEncoded = new AtomicLong();
  final AtomicLong heldOutAdded = new AtomicLong();
  final AtomicLong pendingEvicted = new AtomicLong();
  final AtomicLong badRecords = new AtomicLong();
  final AtomicLong retrainRequests = new AtomicLong();
  final Map<Skip, AtomicLong> retrainsSkipped = new EnumMap<>(Skip.class);
  final AtomicLong retrainsAccepted = new AtomicLong();
  final AtomicLong retrainsRejected = new AtomicLong();
  final AtomicLong versionsPublished = new AtomicLong();
  final AtomicLong transactionsFailed = new AtomicLong();
  final AtomicLong classSetsPublished = new AtomicLong();
  final AtomicLong reservoirExamples = new AtomicLong();
  final AtomicLong reservoirClasses = new AtomicLong();
  final AtomicLong classesReady = new AtomicLong();
  final AtomicLong heldOutExamples = new AtomicLong();
  final AtomicLong promptVersion = new AtomicLong();
  final AtomicLong retrainWaiting = new AtomicLong();

  /** Nanoseconds the last tuning run took (tuning, temperature fit, evaluation); -1 before one. */
  final AtomicLong lastTrainingNanos = new AtomicLong(-1);

  /** Examples in the reservoir per class, replaced whole by the polling thread. */
  volatile Map<String, Integer> reservoirShots = Map.of();

  TrainerCounters() {
    for (Skip skip : Skip.values()) {
      retrainsSkipped.put(skip, new AtomicLong());
    }
  }

  /** Labelled image events joined with their labels. */
  public long eventsJoined() {
    return eventsJoined.get();
  }

  /** Images run through the frozen image encoder (only those the reservoir or held-out keep). */
  public long examplesEncoded() {
    return examplesEncoded.get();
  }

  /** Retrain requests of this deployment received. */
  public long retrainRequests() {
    return retrainRequests.get();
  }

  /** Retrain requests that led to a tuning run. */
  public long retrainsAccepted() {
    return retrainsAccepted.get();
  }

  /** Tuning runs whose candidate the publish gate refused (or that could not run). */
  public long retrainsRejected() {
    return retrainsRejected.get();
  }

  /** Retrain requests skipped: seen before, cooling down, or a run already going. */
  public long retrainsDeduped() {
    return retrainsSkipped.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Retrain requests skipped for one reason. */
  public long retrainsSkipped(Skip reason) {
    return retrainsSkipped.get(reason).get();
  }

  /** Prompt versions published. */
  public long versionsPublished() {
    return versionsPublished.get();
  }

  /** Transactions that failed and were not committed (the trainer went back to the last commit). */
  public long transactionsFailed() {
    return transactionsFailed.get();
  }

  /** Class sets published. */
  public long classSetsPublished() {
    return classSetsPublished.get();
  }

  /** Records that could not be decoded or used (sent to dead-letters). */
  public long badRecords() {
    return badRecords.get();
  }

  /** Examples in the few-shot reservoir now, over all classes. */
  public long reservoirExamples() {
    return reservoirExamples.get();
  }

  /** Classes in the few-shot reservoir now. */
  public long reservoirClasses() {
    return reservoirClasses.get();
  }

  /** Classes with at least min-shots examples in the reservoir: the next version's base classes. */
  public long classesReady() {
    return classesReady.get();
  }

  /** Examples in the reservoir per class now. */
  public Map<String, Integer> reservoirShots() {
    return reservoirShots;
  }

  /** Held-out examples kept now. */
  public long heldOutExamples() {
    return heldOutExamples.get();
  }

  /** 1 while an accepted request waits for held-out examples newer than its evidence, else 0. */
  public long retrainWaiting() {
    return retrainWaiting.get();
  }

  /** Seconds the last tuning run took, NaN before the first. */
  public double lastTrainingSeconds() {
    long nanos = lastTrainingNanos.get();
    return nanos < 0 ? Double.NaN : nanos / 1e9;
  }

  /** Every counter by its metric name (the skipped requests as {@code {reason=...}}). */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("calmon_trainer_events_joined_total", eventsJoined.get());
    m.put("calmon_trainer_examples_encoded_total", examplesEncoded.get());
    m.put("calmon_trainer_held_out_added_total", heldOutAdded.get());
    m.put("calmon_trainer_pending_evicted_total", pendingEvicted.get());
    m.put("calmon_trainer_bad_records_total", badRecords.get());
    m.put("calmon_trainer_retrain_requests_total", retrainRequests.get());
    retrainsSkipped.forEach(
        (skip, n) ->
            m.put(
                "calmon_trainer_retrain_requests_skipped_total{reason=" + skip.label() + "}",
                n.get()));
    m.put("calmon_trainer_retrains_accepted_total", retrainsAccepted.get());
    m.put("calmon_trainer_retrains_rejected_total", retrainsRejected.get());
    m.put("calmon_trainer_versions_published_total", versionsPublished.get());
    m.put("calmon_trainer_class_sets_published_total", classSetsPublished.get());
    m.put("calmon_trainer_reservoir_examples", reservoirExamples.get());
    m.put("calmon_trainer_reservoir_classes", reservoirClasses.get());
    m.put("calmon_trainer_classes_ready", classesReady.get());
    m.put("calmon_trainer_held_out_examples", heldOutExamples.get());
    m.put("calmon_trainer_prompt_version", promptVersion.get());
    m.put("calmon_trainer_retrain_waiting", retrainWaiting.get());
    return m;
  }

  /**
   * The metrics for {@code /metrics}, with the JVM's metrics.
   *
   * @param deployment names the deployment in {@code calmon_trainer_info}
   * @param running 1 while the polling thread runs, else 0
   */
  MetricsRegistry registry(String deployment, DoubleSupplier running) {
    return new MetricsRegistry()
        .withJvmMetrics()
        .counter(
            "calmon_trainer_events_joined_total",
            "Labelled image events joined with their labels.",
            eventsJoined::get)
        .counter(
            "calmon_trainer_examples_encoded_total",
            "Images run through the frozen image encoder (kept by the reservoir or held out).",
            examplesEncoded::get)
        .counter(
            "calmon_trainer_held_out_added_total",
            "Labelled examples added to the held-out buffer.",
            heldOutAdded::get)
        .counter(
            "calmon_trainer_pending_evicted_total",
            "Images or labels dropped while waiting for their other half (buffer full).",
            pendingEvicted::get)
        .counter(
            "calmon_trainer_bad_records_total",
            "Records that could not be decoded or used, sent to dead-letters.",
            badRecords::get)
        .counter(
            "calmon_trainer_retrain_requests_total",
            "Retrain requests of this deployment received.",
            retrainRequests::get)
        .counters(
            "calmon_trainer_retrain_requests_skipped_total",
            "Retrain requests not acted on, by reason: duplicate, cooldown, in_progress.",
            this::skippedSeries)
        .counter(
            "calmon_trainer_retrains_accepted_total",
            "Retrain requests accepted: their tuning run starts at once, or once enough held-out"
                + " examples follow their evidence.",
            retrainsAccepted::get)
        .counter(
            "calmon_trainer_retrains_rejected_total",
            "Tuning runs whose candidate was not published (publish gate, no data, failure).",
            retrainsRejected::get)
        .counter(
            "calmon_trainer_versions_published_total",
            "Prompt versions published.",
            versionsPublished::get)
        .counter(
            "calmon_trainer_transactions_failed_total",
            "Transactions that failed and were not committed: the trainer read its committed state"
                + " again and went on from there.",
            transactionsFailed::get)
        .counter(
            "calmon_trainer_class_sets_published_total",
            "Class sets published.",
            classSetsPublished::get)
        .gauge(
            "calmon_trainer_last_training_duration_seconds",
            "Wall time of the last tuning run (tuning, temperature fit, evaluation); NaN before"
                + " the first.",
            this::lastTrainingSeconds)
        .gauges(
            "calmon_trainer_reservoir_shots",
            "Examples in the few-shot reservoir per class.",
            this::shotsSeries)
        .gauge(
            "calmon_trainer_classes_ready",
            "Classes with at least min-shots examples: a retraining's base classes.",
            classesReady::get)
        .gauge(
            "calmon_trainer_reservoir_examples",
            "Examples in the few-shot reservoir, all classes.",
            reservoirExamples::get)
        .gauge(
            "calmon_trainer_reservoir_classes",
            "Classes in the few-shot reservoir.",
            reservoirClasses::get)
        .gauge(
            "calmon_trainer_held_out_examples",
            "Examples in the held-out buffer.",
            heldOutExamples::get)
        .gauge(
            "calmon_trainer_retrain_waiting",
            "1 while an accepted retrain request waits for held-out examples newer than its"
                + " evidence, else 0.",
            retrainWaiting::get)
        .gauge(
            "calmon_trainer_prompt_version",
            "The live prompt version as the trainer knows it; 0 before any.",
            promptVersion::get)
        .info(
            "calmon_trainer_info",
            "Always 1; the label names the deployment.",
            Map.of("deployment", deployment))
        .gauge("calmon_trainer_running", "1 while the trainer's polling thread runs.", running);
  }

  private Map<Map<String, String>, Double> skippedSeries() {
    Map<Map<String, String>, Double> series = new HashMap<>();
    retrainsSkipped.forEach(
        (skip, n) -> series.put(Map.of("reason", skip.label()), (double) n.get()));
    return series;
  }

  private Map<Map<String, String>, Double> shotsSeries() {
    Map<Map<String, String>, Double> series = new HashMap<>();
    reservoirShots.forEach((c, n) -> series.put(Map.of("class", c), (double) n));
    return series;
  }
}
