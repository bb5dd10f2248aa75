package io.calmon.cli.demo;

import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.trainer.service.TrainerService;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The one-line live status the demo prints every couple of seconds. */
final class DemoStatus {
  private final PrintWriter out;
  private final DemoTimeline timeline;
  private final DemoObserver observer;
  private final TrafficGenerator traffic;
  private final TrainerService trainer;
  private final String[] phases;
  private long lastEvents;
  private Duration lastElapsed = Duration.ZERO;

  DemoStatus(
      PrintWriter out,
      DemoTimeline timeline,
      DemoObserver observer,
      TrafficGenerator traffic,
      TrainerService trainer,
      DemoSettings.Scenario scenario) {
    this.phases =
        scenario == DemoSettings.Scenario.OPEN_VOCABULARY
            ? new String[] {"base", "new"}
            : new String[] {"steady", "drift"};
    this.out = out;
    this.timeline = timeline;
    this.observer = observer;
    this.traffic = traffic;
    this.trainer = trainer;
  }

  void print(Duration elapsed, boolean drifted) {
    long events = traffic.eventsSent();
    double seconds = Math.max(1e-3, (elapsed.toMillis() - lastElapsed.toMillis()) / 1000.0);
    double rate = (events - lastEvents) / seconds;
    lastEvents = events;
    lastElapsed = elapsed;
    out.printf(
        Locale.ROOT,
        "[%4ds] %-6s %5.1f ev/s  predictions %6d  prompt v%d  final ECE base %s new %s"
            + "  alerts %d  retrains %d (published %d%s)  dead letters %d%n",
        elapsed.toSeconds(),
        phases[drifted ? 1 : 0],
        rate,
        observer.predictions(),
        observer.servingVersion(),
        DemoRun.percent(latestEce(CalibrationGroup.BASE)),
        DemoRun.percent(latestEce(CalibrationGroup.NEW)),
        observer.alerts(),
        observer.retrainRequests(),
        trainer.counters().versionsPublished(),
        trainer.counters().retrainWaiting() > 0 ? ", one waiting for post-alert labels" : "",
        observer.deadLetters());
    out.flush();
  }

  private double latestEce(CalibrationGroup group) {
    List<CalibrationReport> finals = timeline.finals();
    for (int i = finals.size() - 1; i >= 0; i--) {
      CalibrationReport r = finals.get(i);
      if (r.getGroup() == group && r.getLabelledCount() > 0) {
        return r.getEce();
      }
    }
    return Double.NaN;
  }
}
