package io.calmon.monitor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.kafka.serde.AvroSerde;
import io.calmon.monitor.MonitorConfig;
import io.calmon.schemas.state.CalibrationObservation;
import io.calmon.schemas.state.ObservationKind;
import io.calmon.schemas.state.PartialKind;
import io.calmon.schemas.state.WindowPartial;
import io.calmon.schemas.state.WindowParts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The merger on its own, with three input partitions whose parts and watermarks arrive in every
 * order a lagging or idle join task can produce, with {@link MonitorTopologyTest}'s configuration:
 * windows of 10 minutes, label delay 2 minutes, grace 1 minute: [0, 10) closes when every
 * partition's watermark has reached 13:00.
 */
class WindowMergerTest {
  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  private static final String KEY = "default|3|ALL";
  private static final int PARTITIONS = 3;

  private final MonitorConfig config = MonitorTopologyTest.config();
  private final MockProcessorContext<String, Decoded<WindowUpdate>> context =
      new MockProcessorContext<>();
  private final WindowMerger merger = new WindowMerger(config, new MonitorCounters());

  @BeforeEach
  void start() {
    context.setCurrentSystemTimeMs(T0.plus(Duration.ofDays(1)).toEpochMilli());
    addStore(MonitorTopology.WINDOW_PARTS_STORE, AvroSerde.of(WindowParts.class));
    addStore(MonitorTopology.MERGE_PROGRESS_STORE, Serdes.Long());
    merger.init(context);
  }

  private <V> void addStore(String name, org.apache.kafka.common.serialization.Serde<V> serde) {
    KeyValueStore<String, V> store =
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde)
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
  }

  @Test
  void shouldWaitForTheWatermarkOfEveryPartitionAndMergeTheirParts() {
    part(0, PartialKind.FINAL, 2);
    watermark(0, 20, false);
    part(2, PartialKind.FINAL, 5);
    watermark(2, 14, false);
    assertEquals(List.of(), finals(), "partition 1 has not reported a watermark yet");

    watermark(1, 12, false);
    assertEquals(List.of(), finals(), "partition 1 is before the close at 13:00");

    watermark(1, 13, false);
    List<WindowUpdate> finals = finals();
    assertEquals(1, finals.size());
    assertEquals(7, finals.get(0).window().getScoredCount(), "2 from partition 0, 5 from 2");
    assertEquals(T0, finals.get(0).start());
  }

  @Test
  void shouldReplaceAPartitionsProvisionalPartWithItsLaterParts() {
    part(0, PartialKind.PROVISIONAL, 1);
    part(0, PartialKind.PROVISIONAL, 3);
    part(1, PartialKind.PROVISIONAL, 4);
    List<WindowUpdate> provisional = updates(false);
    assertEquals(
        List.of(1L, 3L, 7L), provisional.stream().map(u -> u.window().getScoredCount()).toList());

    part(0, PartialKind.FINAL, 6);
    for (int p = 0; p < PARTITIONS; p++) {
      watermark(p, 13, false);
    }
    assertEquals(10, finals().get(0).window().getScoredCount(), "6 from 0, 4 from 1");
  }

  @Test
  void shouldNotWaitForAnIdlePartitionAndDeadLetterWhatItSendsForAClosedWindow() {
    part(0, PartialKind.FINAL, 2);
    watermark(0, 13, false);
    watermark(1, 13, false);
    watermark(2, 0, true);
    assertEquals(1, finals().size(), "partition 2 is idle: not waited for");

    part(2, PartialKind.FINAL, 4); // it woke up with old records
    List<DeadLetter> dead = deadLetters();
    assertEquals(1, dead.size());
    assertEquals(PredictionLabelJoiner.WINDOWS_CLOSED, dead.get(0).getErrorType());
    assertTrue(
        dead.get(0).getErrorMessage().contains("(4 observations)"), dead.get(0).getErrorMessage());
  }

  @Test
  void shouldCloseUpToTheHighestWatermarkWhenEveryPartitionIsIdle() {
    part(1, PartialKind.FINAL, 1);
    watermark(0, 5, true);
    watermark(1, 13, true);
    watermark(2, 2, true);
    assertEquals(1, finals().size());
  }

  // --- helpers --------------------------------------------------------------------------------

  private record DeadLetter(String getErrorType, String getErrorMessage) {}

  private void part(int partition, PartialKind kind, int scored) {
    WindowAggregate aggregate = WindowAggregate.empty(config.bins(), config.fineBinsPerBin());
    for (int i = 0; i < scored; i++) {
      aggregate.add(
          CalibrationObservation.newBuilder()
              .setKind(ObservationKind.SCORED)
              .setEventId("e" + i)
              .setConfidence(0.8)
              .setPredictedNew(false)
              .build());
    }
    WindowPartial partial =
        new PartialWindows.PartialHeader(partition, PARTITIONS, 0)
            .builder(kind)
            .setGroupKey(KEY)
            .setWindowStart(T0)
            .setWindowEnd(T0.plus(Duration.ofMinutes(10)))
            .setWindow(aggregate.toRecord())
            .build();
    merger.process(new Record<>("default", partial, T0.toEpochMilli()));
  }

  private void watermark(int partition, int minutes, boolean idle) {
    long at = T0.plus(Duration.ofMinutes(minutes)).toEpochMilli();
    WindowPartial mark =
        new PartialWindows.PartialHeader(partition, PARTITIONS, at)
            .builder(PartialKind.WATERMARK)
            .setIdle(idle)
            .build();
    merger.process(new Record<>("", mark, at));
  }

  private List<WindowUpdate> updates(boolean isFinal) {
    List<WindowUpdate> updates =
        context.forwarded().stream()
            .map(f -> f.record().value())
            .filter(d -> !d.isDead() && d.record().isFinal() == isFinal)
            .map(Decoded::record)
            .toList();
    return updates;
  }

  private List<WindowUpdate> finals() {
    return updates(true);
  }

  private List<DeadLetter> deadLetters() {
    return context.forwarded().stream()
        .map(f -> f.record().value())
        .filter(Decoded::isDead)
        .map(d -> new DeadLetter(d.deadLetter().getErrorType(), d.deadLetter().getErrorMessage()))
        .toList();
  }
}
