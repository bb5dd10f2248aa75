package io.calmon.monitor.topology;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what the monitor saw but did not turn into calibration figures. Exposed as metrics by
 * the service; tests read them directly.
 */
public final class MonitorCounters {
  final LongAdder predictions = new LongAdder();
  final LongAdder labels = new LongAdder();
  final LongAdder deadLetters = new LongAdder();
  final LongAdder duplicatePredictions = new LongAdder();
  final LongAdder duplicateLabels = new LongAdder();
  final LongAdder lateLabels = new LongAdder();
  final LongAdder unmatchedLabels = new LongAdder();

  /** Records read from the predictions topic, good or bad. */
  public long predictions() {
    return predictions.sum();
  }

  /** Records read from the labels topic, good or bad. */
  public long labels() {
    return labels.sum();
  }

  /** Records sent to dead-letters. */
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
}
