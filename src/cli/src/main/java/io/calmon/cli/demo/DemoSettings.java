package io.calmon.cli.demo;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A demo run's settings, validated by {@link DemoCommand}.
 *
 * @param duration how long traffic runs
 * @param window the monitor's (tumbling) window length; label delays and alert rules scale with it
 * @param rate image events per second
 * @param drift what changes at 40% of the run
 * @param seed task and traffic seed
 * @param bootstrapServers an existing cluster, or null for the embedded broker
 * @param summaryJson where the summary goes, or null
 * @param reportHtml where the HTML report goes
 */
record DemoSettings(
    Duration duration,
    Duration window,
    double rate,
    Drift drift,
    long seed,
    String bootstrapServers,
    Path summaryJson,
    Path reportHtml) {

  /** The scenario's drift. */
  enum Drift {
    /** Traffic shifts from base classes (the tuned ones) to new classes (served zero-shot). */
    NEW_CLASSES,
    /** Images get noisier and blurrier. */
    NOISE
  }

  /** When the drift starts, from the start of traffic. */
  Duration driftAt() {
    return duration.multipliedBy(2).dividedBy(5);
  }

  /** Labels arrive between a tenth and a third of a window after their event; 10% never do. */
  LabelPlan labelPlan() {
    return new LabelPlan(0.9, window.dividedBy(10), window.dividedBy(3), seed);
  }
}
