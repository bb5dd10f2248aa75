package io.calmon.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calmon.kafka.testing.CommittedRecords;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.Prediction;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What the fault tests read back under read_committed: predictions and final reports. */
final class FinalReports {

  private FinalReports() {}

  /**
   * Waits until every event of {@code events} has a committed prediction, then checks that each has
   * exactly one and that no other event has one.
   */
  static void assertOnePredictionPerEvent(
      String bootstrap, String topic, Set<String> events, Duration patience) {
    List<Prediction> predictions =
        CommittedRecords.once(
            bootstrap,
            topic,
            Prediction.class,
            seen ->
                seen.stream()
                    .map(p -> p.getEventId())
                    .collect(Collectors.toSet())
                    .containsAll(events),
            patience);
    Map<String, Long> perEvent =
        predictions.stream()
            .collect(
                Collectors.groupingBy(p -> p.getEventId(), TreeMap::new, Collectors.counting()));
    Map<String, Long> notOnce = new TreeMap<>(perEvent);
    notOnce.values().removeIf(n -> n == 1);
    assertEquals(Map.of(), notOnce, "events with more than one committed prediction");
    assertEquals(
        new java.util.TreeSet<>(events), perEvent.keySet(), "events with a committed prediction");
  }

  /**
   * The final ALL reports (every prompt version) of windows starting before {@code before}, once
   * the one of the window starting at {@code lastWindow} is committed: window start -> labelled
   * count, summed over prompt versions. A window reported final twice fails the test.
   */
  static Map<Instant, Long> labelledPerWindow(
      String bootstrap, String topic, Instant lastWindow, Instant before, Duration patience) {
    List<CalibrationReport> reports =
        CommittedRecords.once(
            bootstrap,
            topic,
            CalibrationReport.class,
            seen ->
                seen.stream().anyMatch(r -> isFinalAll(r) && r.getWindowStart().equals(lastWindow)),
            patience);
    Map<String, Long> finals = new HashMap<>();
    Map<Instant, Long> labelled = new TreeMap<>();
    for (CalibrationReport r : reports) {
      if (isFinalAll(r) && r.getWindowStart().isBefore(before)) {
        String key = r.getWindowStart() + "/v" + r.getPromptVersion();
        assertEquals(null, finals.put(key, r.getLabelledCount()), "a second final report " + key);
        labelled.merge(r.getWindowStart(), r.getLabelledCount(), Long::sum);
      }
    }
    return labelled;
  }

  /** Labelled events per window start, for {@code windowMillis} tumbling windows. */
  static Map<Instant, Long> perWindow(List<Instant> eventTimes, long windowMillis) {
    return eventTimes.stream()
        .collect(
            Collectors.groupingBy(
                t -> Instant.ofEpochMilli(t.toEpochMilli() / windowMillis * windowMillis),
                TreeMap::new,
                Collectors.counting()));
  }

  private static boolean isFinalAll(CalibrationReport r) {
    return r.getFinal$() && r.getGroup() == CalibrationGroup.ALL;
  }
}
