package io.calmon.monitor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calmon.kafka.CalmonTopics;
import io.calmon.monitor.MonitorConfig;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.Label;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.serde.confluent.ValueFormat;
import io.calmon.schemas.state.WindowPartial;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A join task that starts again on stores an earlier task filled (a restart, a rebalance) expires
 * the joins that were waiting: the expiry index lives in memory only, and is rebuilt from the
 * pending joins (TopologyTestDriver cannot show this: it wipes its state when it closes).
 */
class PredictionLabelJoinerRestartTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path stateDir;

  @Test
  void shouldExpireAJoinThatWaitedAcrossARestartFromThePendingStoreAlone() {
    MockProcessorContext<String, Decoded<WindowPartial>> context = context();
    MonitorCounters counters = new MonitorCounters();
    PredictionLabelJoiner before = joiner(counters);
    before.init(context);
    before.process(label("orphan", T0.plusSeconds(5))); // its prediction never comes

    PredictionLabelJoiner after = joiner(counters); // a new task on the same stores
    after.init(context);
    Instant later = T0.plus(Duration.ofMinutes(13)); // past the label delay, grace and a window
    after.process(
        new Record<>(
            "tick",
            new JoinInput.OfPrediction(
                MonitorTopologyTest.prediction(
                    "tick", later, "red circle", 0.5, CalibrationGroup.NEW, 1)),
            later.toEpochMilli()));
    after.process(
        new Record<>(
            "mark",
            new JoinInput.OfLabelWatermark(0, 1, later.toEpochMilli(), false),
            later.toEpochMilli()));

    assertEquals(1, counters.unmatchedLabels(), "the label that waited expired after the restart");
  }

  private MockProcessorContext<String, Decoded<WindowPartial>> context() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "joiner-restart-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    MockProcessorContext<String, Decoded<WindowPartial>> context =
        new MockProcessorContext<>(props, new TaskId(0, 0), stateDir.toFile());
    for (StoreBuilder<? extends StateStore> builder : MonitorTopology.joinStores()) {
      add(context, builder.withLoggingDisabled().build());
    }
    KeyValueStore<String, byte[]> classSets =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(MonitorTopology.CLASS_SETS_STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    add(context, classSets);
    add(
        context,
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(MonitorTopology.BASE_CLASSES_STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build());
    classSets.put(
        "default",
        AvroCodec.of(ClassSet.class)
            .encode(
                ClassSet.newBuilder()
                    .setDeployment("default")
                    .setVersion(1)
                    .setCreatedAt(T0)
                    .setClassNames(List.of("red circle", "blue square", "green star"))
                    .build()));
    context.setCurrentSystemTimeMs(T0.toEpochMilli());
    return context;
  }

  private static void add(MockProcessorContext<?, ?> context, StateStore store) {
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
  }

  private static PredictionLabelJoiner joiner(MonitorCounters counters) {
    MonitorConfig config = MonitorTopologyTest.config();
    TimeWindows windows =
        TimeWindows.ofSizeAndGrace(config.windowSize(), config.closeAfter())
            .advanceBy(config.windowAdvance());
    return new PredictionLabelJoiner(
        config,
        windows,
        1,
        counters,
        TopologyCodecs.of(ValueFormat.singleObject(), CalmonTopics.standard()).classSets());
  }

  private static Record<String, JoinInput> label(String id, Instant at) {
    Label label =
        Label.newBuilder().setEventId(id).setTrueClass("red circle").setLabelledAt(at).build();
    return new Record<>(id, new JoinInput.OfLabel(label), at.toEpochMilli());
  }
}
