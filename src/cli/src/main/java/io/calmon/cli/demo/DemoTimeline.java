package io.calmon.cli.demo;

import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The final window reports of a demo run, split into phases: windows that end before the drift
 * started; windows after it served by the prompt version that was live when it started; windows
 * served by a version published after the drift (the retrained one). Per phase and group the bins
 * are pooled, so each phase's ECE is that of all its labelled predictions.
 */
final class DemoTimeline {
  private final int bins;
  private final List<CalibrationReport> finals = new ArrayList<>();
  private Instant driftStart;
  private long versionAtDrift = -1;

  DemoTimeline(int bins) {
    this.bins = bins;
  }

  /** Keeps a report if it is final; provisional ones are ignored. */
  synchronized void add(CalibrationReport report) {
    if (report.getFinal$() && report.getBinCount() == bins) {
      finals.add(report);
    }
  }

  /** Marks the start of the drift and the prompt version being served then. */
  synchronized void driftStarted(Instant at, long servingVersion) {
    driftStart = at;
    versionAtDrift = servingVersion;
  }

  synchronized List<CalibrationReport> finals() {
    return List.copyOf(finals);
  }

  synchronized Instant driftStart() {
    return driftStart;
  }

  /** The phase of a final report, or null when it straddles the drift's start. */
  synchronized DemoPhase phaseOf(CalibrationReport report) {
    if (driftStart == null || !report.getWindowEnd().isAfter(driftStart)) {
      return DemoPhase.BEFORE_DRIFT;
    }
    if (report.getWindowStart().isBefore(driftStart)) {
      return null;
    }
    return report.getPromptVersion() > versionAtDrift
        ? DemoPhase.AFTER_RETRAIN
        : DemoPhase.DURING_DRIFT;
  }

  /** Pooled bins per phase for one group. */
  synchronized Map<DemoPhase, PooledBins> pooled(CalibrationGroup group) {
    Map<DemoPhase, PooledBins> pools = new EnumMap<>(DemoPhase.class);
    for (DemoPhase phase : DemoPhase.values()) {
      pools.put(phase, new PooledBins(bins));
    }
    for (CalibrationReport report : finals) {
      DemoPhase phase = phaseOf(report);
      if (report.getGroup() == group && phase != null) {
        pools.get(phase).add(report);
      }
    }
    return pools;
  }
}
