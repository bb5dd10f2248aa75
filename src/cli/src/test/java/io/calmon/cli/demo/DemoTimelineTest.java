package io.calmon.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.ReliabilityBin;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DemoTimelineTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void shouldSplitFinalReportsIntoPhasesByDriftStartAndPromptVersion() {
    DemoTimeline timeline = new DemoTimeline(2);
    timeline.driftStarted(T0.plusSeconds(20), 1);
    CalibrationReport before = report(0, 1, 0.9, 1.0); // [0, 10)
    CalibrationReport straddles = report(15, 1, 0.9, 0.0); // [15, 25)
    CalibrationReport during = report(30, 1, 0.9, 0.5); // [30, 40)
    CalibrationReport after = report(60, 2, 0.9, 0.8); // [60, 70), version 2
    for (CalibrationReport r : new CalibrationReport[] {before, straddles, during, after}) {
      timeline.add(r);
    }
    CalibrationReport provisional = report(70, 2, 0.9, 0.0);
    provisional.setFinal$(false);
    timeline.add(provisional);

    assertEquals(DemoPhase.BEFORE_DRIFT, timeline.phaseOf(before));
    assertNull(timeline.phaseOf(straddles));
    assertEquals(DemoPhase.DURING_DRIFT, timeline.phaseOf(during));
    assertEquals(DemoPhase.AFTER_RETRAIN, timeline.phaseOf(after));
    Map<DemoPhase, PooledBins> pools = timeline.pooled(CalibrationGroup.NEW);
    // Each window: 10 predictions at 0.9 in the top bin; accuracy 1.0, 0.5 and 0.8.
    assertEquals(0.1, pools.get(DemoPhase.BEFORE_DRIFT).ece(), 1e-12);
    assertEquals(0.4, pools.get(DemoPhase.DURING_DRIFT).ece(), 1e-12);
    assertEquals(0.1, pools.get(DemoPhase.AFTER_RETRAIN).ece(), 1e-12);
    assertEquals(4, timeline.finals().size());

    String html = DemoReportHtml.render(timeline, "calmon demo");
    assertTrue(html.contains("ECE 40.0%, acc 50.0% (n=10)"), "during-drift cell");
    assertTrue(html.contains(">v2</text>"), "the version change is marked");
    assertTrue(html.startsWith("<!doctype html>") && html.endsWith("</html>\n"));
  }

  private static CalibrationReport report(
      long startSeconds, long version, double conf, double acc) {
    Instant start = T0.plusSeconds(startSeconds);
    return CalibrationReport.newBuilder()
        .setDeployment("default")
        .setPromptVersion(version)
        .setGroup(CalibrationGroup.NEW)
        .setWindowStart(start)
        .setWindowEnd(start.plus(Duration.ofSeconds(10)))
        .setEmittedAt(start)
        .setFinal$(true)
        .setScoredCount(10)
        .setLabelledCount(10)
        .setAccuracy(acc)
        .setMeanConfidence(conf)
        .setEce(Math.abs(acc - conf))
        .setEceCiLow(0)
        .setEceCiHigh(0)
        .setAce(0)
        .setMce(0)
        .setMceWeighted(0)
        .setBinCount(2)
        .setBins(
            IntStream.range(0, 2)
                .mapToObj(
                    m ->
                        m == 1
                            ? new ReliabilityBin(0.5, 1.0, 10L, conf, acc)
                            : new ReliabilityBin(0.0, 0.5, 0L, 0.0, 0.0))
                .toList())
        .build();
  }
}
