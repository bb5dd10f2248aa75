package io.calmon.trainer.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the trainer has done, as monotonic counters and gauges, readable from any thread (for a
 * metrics endpoint or a test). Names follow Prometheus conventions.
 */
public final class TrainerCounters {
  final AtomicLong eventsJoined = new AtomicLong();
  final AtomicLong examplesEncoded = new AtomicLong();
  final AtomicLong heldOutAdded = new AtomicLong();
  final AtomicLong pendingEvicted = new AtomicLong();
  final AtomicLong badRecords = new AtomicLong();
  final AtomicLong retrainsAccepted = new AtomicLong();
  final AtomicLong retrainsRejected = new AtomicLong();
  final AtomicLong retrainsDeduped = new AtomicLong();
  final AtomicLong versionsPublished = new AtomicLong();
  final AtomicLong classSetsPublished = new AtomicLong();
  final AtomicLong reservoirExamples = new AtomicLong();
  final AtomicLong reservoirClasses = new AtomicLong();
  final AtomicLong heldOutExamples = new AtomicLong();

  /** Labelled image events joined with their labels. */
  public long eventsJoined() {
    return eventsJoined.get();
  }

  /** Images run through the frozen image encoder (only those the reservoir or held-out keep). */
  public long examplesEncoded() {
    return examplesEncoded.get();
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
    return retrainsDeduped.get();
  }

  /** Prompt versions published. */
  public long versionsPublished() {
    return versionsPublished.get();
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

  /** Held-out examples kept now. */
  public long heldOutExamples() {
    return heldOutExamples.get();
  }

  /** Every counter by its metric name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("calmon_trainer_events_joined_total", eventsJoined.get());
    m.put("calmon_trainer_examples_encoded_total", examplesEncoded.get());
    m.put("calmon_trainer_held_out_added_total", heldOutAdded.get());
    m.put("calmon_trainer_pending_evicted_total", pendingEvicted.get());
    m.put("calmon_trainer_bad_records_total", badRecords.get());
    m.put("calmon_trainer_retrains_accepted_total", retrainsAccepted.get());
    m.put("calmon_trainer_retrains_rejected_total", retrainsRejected.get());
    m.put("calmon_trainer_retrains_deduped_total", retrainsDeduped.get());
    m.put("calmon_trainer_versions_published_total", versionsPublished.get());
    m.put("calmon_trainer_class_sets_published_total", classSetsPublished.get());
    m.put("calmon_trainer_reservoir_examples", reservoirExamples.get());
    m.put("calmon_trainer_reservoir_classes", reservoirClasses.get());
    m.put("calmon_trainer_held_out_examples", heldOutExamples.get());
    return m;
  }
}
