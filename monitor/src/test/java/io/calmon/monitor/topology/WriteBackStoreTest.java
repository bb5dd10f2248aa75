package io.calmon.monitor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The write-back layer under the join task's stores: objects are encoded once per commit, scans see
 * every write, thrown-away work is forgotten, and Kafka Streams' commit writes them to the
 * changelog (the hook this layer relies on).
 */
class WriteBackStoreTest {
  private static final String STORE = "counts";
  private static final String DELETE = "delete";

  /** A mutable value, as a window aggregate is. */
  static final class Count {
    long n;
  }

  private final AtomicInteger encoded = new AtomicInteger();
  private final AtomicInteger decoded = new AtomicInteger();

  private Serde<Count> countSerde() {
    return Serdes.serdeFrom(
        (topic, count) -> {
          encoded.incrementAndGet();
          return count == null ? null : ByteBuffer.allocate(8).putLong(count.n).array();
        },
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          decoded.incrementAndGet();
          Count count = new Count();
          count.n = ByteBuffer.wrap(bytes).getLong();
          return count;
        });
  }

  private KeyValueStore<String, Count> store(MockProcessorContext<?, ?> context) {
    KeyValueStore<String, Count> store =
        WriteBackStore.of(
                Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(STORE), Serdes.String(), countSerde()))
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    return store;
  }

  private static void increment(KeyValueStore<String, Count> store, String key) {
    Count count = store.get(key);
    if (count == null) {
      count = new Count();
    }
    count.n++;
    store.put(key, count);
  }

  @Test
  void shouldEncodeAnObjectOncePerFlushHoweverOftenItIsWritten() {
    KeyValueStore<String, Count> store = store(new MockProcessorContext<>());
    for (int i = 0; i < 1_000; i++) {
      increment(store, "a");
    }
    assertEquals(0, encoded.get(), "nothing encoded before the flush");
    assertEquals(1_000, store.get("a").n);
    ((WriteBackStore<String, Count>) store).flushCache();
    assertEquals(1, encoded.get());
    increment(store, "a");
    assertEquals(1_001, store.get("a").n, "read back from the store below");
  }

  @Test
  void shouldLetScansSeeWritesAndDeletesNotYetWrittenBack() {
    KeyValueStore<String, Count> store = store(new MockProcessorContext<>());
    increment(store, "a");
    increment(store, "b");
    increment(store, "c");
    ((WriteBackStore<String, Count>) store).flushCache();
    increment(store, "b");
    store.delete("c");
    assertNull(store.get("c"), "a delete not yet written back hides the stored value");
    increment(store, "d");
    List<String> seen = new ArrayList<>();
    try (KeyValueIterator<String, Count> it = store.range("a", "z")) {
      it.forEachRemaining(kv -> seen.add(kv.key + "=" + kv.value.n));
    }
    assertEquals(List.of("a=1", "b=2", "d=1"), seen);
    assertNull(store.get("c"));
  }

  @Test
  void shouldWriteADeleteBackWithoutReadingTheOldValue() {
    KeyValueStore<String, Count> store = store(new MockProcessorContext<>());
    increment(store, "a");
    ((WriteBackStore<String, Count>) store).flushCache();
    assertEquals(1, store.delete("a").n, "a delete returns the value it removes");
    int decodedBefore = decoded.get();
    ((WriteBackStore<String, Count>) store).flushCache();
    assertEquals(decodedBefore, decoded.get(), "the write-back decodes nothing");
    assertNull(store.get("a"));
  }

  @Test
  void shouldForgetWritesThrownAwayWithTheCache() {
    KeyValueStore<String, Count> store = store(new MockProcessorContext<>());
    increment(store, "a");
    ((WriteBackStore<String, Count>) store).flushCache();
    Count kept = store.get("a");
    increment(store, "a");
    increment(store, "b");
    ((WriteBackStore<String, Count>) store).clearCache();
    assertNull(store.get("b"));
    assertEquals(1, store.get("a").n, "the committed value, read again");
    assertEquals(1, kept.n, "a read of a written-back value is a copy");
  }

  @Test
  void shouldReturnTheObjectItWasGivenUntilItIsWrittenBack() {
    KeyValueStore<String, Count> store = store(new MockProcessorContext<>());
    Count count = new Count();
    store.put("a", count);
    assertSame(count, store.get("a"));
  }

  /** Counts every key it reads into the write-back store; a value of {@code delete} deletes it. */
  static final class Counting implements Processor<String, String, Void, Void> {
    private KeyValueStore<String, Count> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, String> record) {
      if (DELETE.equals(record.value())) {
        store.delete(record.key());
      } else {
        increment(store, record.key());
      }
    }
  }

  @Test
  void shouldWriteEveryObjectToTheChangelogWhenKafkaStreamsCommits() {
    Topology topology = new Topology();
    topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
    topology.addProcessor("count", Counting::new, "in");
    topology.addStateStore(
        WriteBackStore.of(
            Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), countSerde())),
        "count");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "write-back");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
      var in =
          driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
      var changelog =
          driver.createOutputTopic(
              "write-back-" + STORE + "-changelog",
              Serdes.String().deserializer(),
              countSerde().deserializer());
      in.pipeInput("a", "x");
      in.pipeInput("a", "x");
      in.pipeInput("b", "x");
      in.pipeInput("a", DELETE);
      List<KeyValue<String, Long>> logged = new ArrayList<>();
      changelog
          .readKeyValuesToList()
          .forEach(kv -> logged.add(KeyValue.pair(kv.key, kv.value == null ? null : kv.value.n)));
      assertEquals(
          List.of(
              KeyValue.pair("a", 1L),
              KeyValue.pair("a", 2L),
              KeyValue.pair("b", 1L),
              KeyValue.pair("a", null)),
          logged,
          "every value and the delete, as a tombstone");
    }
  }
}
