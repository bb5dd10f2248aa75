package io.calmon.monitor.topology;

import io.calmon.schemas.serde.RecordCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a global store from a compacted topic (class sets, prompt versions), decoding each value
 * itself.
 *
 * <p>Why not {@code StreamsBuilder.globalTable} with the Avro serde: a value that does not decode
 * would throw on the global stream thread, and a dead global thread takes the whole client down
 * (found by {@code MonitorServiceIT}: one garbage record on class-sets stopped the monitor). Here a
 * bad value is logged with its offset, counted as a dead letter and skipped; what the store held
 * stays. A global processor cannot forward, so it is not written to dead-letters.
 *
 * @param <T> the topic's record type
 */
abstract class GlobalLoader<T extends SpecificRecord>
    implements Processor<String, byte[], Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(GlobalLoader.class);

  private final RecordCodec<T> codec;
  private final String what;
  private final MonitorCounters counters;
  private ProcessorContext<Void, Void> context;

  /**
   * @param what what a record is, for the log ("class set")
   */
  GlobalLoader(RecordCodec<T> codec, String what, MonitorCounters counters) {
    this.codec = codec;
    this.what = what;
    this.counters = counters;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
  }

  /** Keeps a record that decoded: {@code value}, decoded from {@code bytes}. */
  abstract void load(String key, T value, byte[] bytes, long timestamp);

  /** A tombstone (null value) for {@code key}. */
  abstract void remove(String key);

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      skip(record, "no key (the key must be the deployment name)");
      return;
    }
    if (record.value() == null) {
      remove(record.key());
      return;
    }
    try {
      load(record.key(), codec.decode(record.value()), record.value(), record.timestamp());
    } catch (RecordDecodingException e) {
      skip(record, e.reason() + ": " + e.getMessage());
    }
  }

  private void skip(Record<String, byte[]> record, String reason) {
    counters.deadLetters.increment();
    RecordMetadata source = context.recordMetadata().orElse(null);
    LOG.warn(
        "skipping {} at {}-{} offset {} (key {}): {}",
        what,
        source == null ? "?" : source.topic(),
        source == null ? -1 : source.partition(),
        source == null ? -1 : source.offset(),
        record.key(),
        reason);
  }
}
