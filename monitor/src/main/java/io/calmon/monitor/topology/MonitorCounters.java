package io.calmon.monitor.topology;

import io.calmon.schemas.state.ObservationKind;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what the monitor saw but did not turn into calibration figures. Exposed as metrics by
 * the service; tests read them directly.
 */
public final class MonitorCounters {
  final LongAdder predictions = new LongAdder();
  final LongAdder labels = new LongAdder();
  final LongAdder promptHealths = new LongAdder();
  final LongAdder deadLetters = new LongAdder();
  final LongAdder duplicatePredictions = new LongAdder();
  final LongAdder duplicateLabels = new LongAdder();
  final LongAdder lateLabels = new LongAdder();
  final LongAdder unmatchedLabels = new LongAdder();
  final Map<ObservationKind, LongAdder> lateObservations = perKind();
  final Map<ObservationKind, LongAdder> partlyLateObservations = perKind();
  final LongAdder lateParts = new LongAdder();

  private static Map<ObservationKind, LongAdder> perKind() {
    Map<ObservationKind, LongAdder> counters = new EnumMap<>(ObservationKind.class);
    for (ObservationKind kind : ObservationKind.values()) {
      counters.put(kind, new LongAdder());
    }
    return counters;
  }

  /** Records read from the predictions topic, good or bad. */
  public long predictions() {
    return predictions.sum();
  }

  /** Records read from the labels topic, good or bad. */
  public long labels() {
    return labels.sum();
  }

  /** Records sent to dead-letters. */
  /** Prompt-health records read (decoded or dead-lettered). */
  public long promptHealths() {
    return promptHealths.sum();
  }

  public long deadLetters() {
    return deadLetters.sum();
  }

  /** Second predictions for an event id already scored. */
  public long duplicatePredictions() {
    return duplicatePredictions.sum();
  }

  /** Second labels for an event id already labelled. */
  public long duplicateLabels() {
    return duplicateLabels.sum();
  }

  /**
   * Labels timestamped more than label delay + grace after their prediction's event time, whether
   * they reached the monitor before or after the prediction (counted in reports, not used).
   */
  public long lateLabels() {
    return lateLabels.sum();
  }

  /** Labels whose prediction never arrived (or expired) before the label itself expired. */
  public long unmatchedLabels() {
    return unmatchedLabels.sum();
  }

  /**
   * Predictions that reached their join task after every window containing their event time had
   * closed: sent to dead-letters ({@code WINDOWS_CLOSED}), in no report. The same as {@code
   * lateObservations().get("scored")}.
   */
  public long latePredictions() {
    return lateObservations.get(ObservationKind.SCORED).sum();
  }

  /**
   * Observations that reached their join task after every window containing their time had closed,
   * by kind ({@code scored}: a prediction, {@code labelled}: its on-time label, {@code late_label}:
   * the tally of a late label), once per prediction or label: sent to dead-letters ({@code
   * WINDOWS_CLOSED}), in no report.
   */
  public Map<String, Long> lateObservations() {
    return sums(lateObservations);
  }

  /**
   * Observations that reached their join task after some but not all of their (hopping) windows had
   * closed, by kind as in {@link #lateObservations()}: counted in the windows still open, missing
   * from the final reports of the closed ones.
   */
  public Map<String, Long> partlyLateObservations() {
    return sums(partlyLateObservations);
  }

  /**
   * Parts of a window aggregate that reached the merger after the window's final report (sent by an
   * input partition that had been idle, then read old records): sent to dead-letters.
   */
  public long lateParts() {
    return lateParts.sum();
  }

  private static Map<String, Long> sums(Map<ObservationKind, LongAdder> counters) {
    Map<String, Long> sums = new TreeMap<>();
    counters.forEach(
        (kind, counter) -> sums.put(kind.name().toLowerCase(Locale.ROOT), counter.sum()));
    return sums;
  }
}
