package io.calmon.cli.demo;

import io.calmon.schemas.CalibrationReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The monitor's final window reports of a demo run (by true class, and ALL) and when the scenario's
 * change started, for the report's timeline and the summary's count of joined labels.
 */
final class DemoTimeline {
  private final int bins;
  private final List<CalibrationReport> finals = new ArrayList<>();
  private Instant driftStart;

  DemoTimeline(int bins) {
    this.bins = bins;
  }

  /** Bins of the reliability diagrams. */
  int bins() {
    return bins;
  }

  /** Keeps a report if it is final; provisional ones are ignored. */
  synchronized void add(CalibrationReport report) {
    if (report.getFinal$() && report.getBinCount() == bins) {
      finals.add(report);
    }
  }

  /** Marks the start of the scenario's change. */
  synchronized void driftStarted(Instant at) {
    driftStart = at;
  }

  synchronized List<CalibrationReport> finals() {
    return List.copyOf(finals);
  }

  synchronized Instant driftStart() {
    return driftStart;
  }
}
