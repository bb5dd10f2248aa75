package io.calmon.monitor.topology;

import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.PromptHealth;

/**
 * Sees what the topology emits, as it is forwarded to its topic: the service turns it into metrics.
 * Called on stream threads, so implementations must be thread-safe and quick. Under exactly-once a
 * record of a transaction that is later aborted and retried is seen twice: use it for metrics, not
 * for anything that must be exact.
 */
public interface MonitorListener {

  /** Listens to nothing. */
  MonitorListener NONE = new MonitorListener() {};

  /** A report on its way to calibration-reports, provisional or final. */
  default void onReport(CalibrationReport report) {}

  /**
   * A prompt-health measure newer than the last one of its deployment (copies from other scorers
   * are not seen).
   */
  default void onPromptHealth(PromptHealth health) {}

  /** An alert on its way to calibration-alerts (and, for ECE alerts, a retraining request). */
  default void onAlert(Alert alert) {}
}
