package io.calmon.monitor.topology;

import io.calmon.schemas.ClassSet;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the global class-set store from the compacted class-sets topic, decoding each value itself.
 *
 * <p>Why not {@code StreamsBuilder.globalTable} with the Avro serde: a value that does not decode
 * would throw on the global stream thread, and a dead global thread takes the whole client down
 * (found by {@code MonitorServiceIT}: one garbage record on class-sets stopped the monitor). Here a
 * bad value is logged with its offset, counted as a dead letter and skipped; the deployment keeps
 * its previous class set. A global processor cannot forward, so it is not written to dead-letters.
 * A tombstone (null value) removes the deployment's class set.
 */
final class ClassSetLoader implements Processor<String, byte[], Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(ClassSetLoader.class);

  private final AvroCodec<ClassSet> codec = AvroCodec.of(ClassSet.class);
  private final MonitorCounters counters;
  private ProcessorContext<Void, Void> context;
  private TimestampedKeyValueStore<String, ClassSet> classSets;

  ClassSetLoader(MonitorCounters counters) {
    this.counters = counters;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.classSets = context.getStateStore(MonitorTopology.CLASS_SETS_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      skip(record, "no key (the key must be the deployment name)");
      return;
    }
    if (record.value() == null) {
      classSets.delete(record.key());
      return;
    }
    try {
      ClassSet classSet = codec.decode(record.value());
      classSets.put(record.key(), ValueAndTimestamp.make(classSet, record.timestamp()));
    } catch (RecordDecodingException e) {
      skip(record, e.reason() + ": " + e.getMessage());
    }
  }

  private void skip(Record<String, byte[]> record, String reason) {
    counters.deadLetters.increment();
    RecordMetadata source = context.recordMetadata().orElse(null);
    LOG.warn(
        "skipping class set at {}-{} offset {} (key {}): {}",
        source == null ? "?" : source.topic(),
        source == null ? -1 : source.partition(),
        source == null ? -1 : source.offset(),
        record.key(),
        reason);
  }
}
