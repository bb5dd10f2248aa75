package io.calmon.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calmon.broker.testing.CommittedRecords;
import io.calmon.cli.CliKafka;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** What the fault tests read back under read_committed: predictions and final reports. */
final class FinalReports {

  private FinalReports() {}

  /**
   * Waits until every event of {@code events} has a committed prediction by a calmon scorer, then
   * checks that each has exactly one and that no other event has one. Records that are no
   * prediction, and predictions of other producers ({@code scorer_id} "outside"), are poison the
   * tests wrote themselves and are left out.
   */
  static void assertOnePredictionPerEvent(
      String bootstrap, String topic, Set<String> events, Duration patience) {
    Predicate<List<Prediction>> all =
        seen ->
            seen.stream().map(p -> p.getEventId()).collect(Collectors.toSet()).containsAll(events);
    List<Prediction> predictions =
        readCommitted(bootstrap, topic, Prediction.class, patience, all).stream()
            .filter(p -> !p.getScorerId().equals("outside"))
            .toList();
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

  /** Like {@link CommittedRecords#once}, skipping values that do not decode as {@code type}. */
  static <T extends SpecificRecord> List<T> readCommitted(
      String bootstrap, String topic, Class<T> type, Duration patience, Predicate<List<T>> enough) {
    AvroCodec<T> codec = AvroCodec.of(type);
    try (KafkaConsumer<String, byte[]> consumer = CliKafka.consumer(bootstrap)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<T> seen = new ArrayList<>();
      long deadline = System.nanoTime() + patience.toNanos();
      while (true) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        if (partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))
            && enough.test(seen)) {
          return seen;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("not within " + patience + " on " + topic + ": " + seen);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            seen.add(codec.decode(r.value()));
          } catch (RecordDecodingException | NullPointerException e) {
            // the tests' own poison
          }
        }
      }
    }
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
