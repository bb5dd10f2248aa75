package io.calmon.monitor.topology;

import io.calmon.schemas.ClassSet;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Decodes and validates raw input values. Anything wrong becomes a dead letter carrying the
 * original bytes and the reason; nothing here ever throws for bad input.
 *
 * <ul>
 *   <li>Predictions: must decode, and their event time may not be more than the configured skew
 *       ahead of the wall clock (EVENT_TIME_IN_FUTURE).
 *   <li>Labels: must decode, and when the deployment's class set is known, the true class must be
 *       in it (UNKNOWN_CLASS).
 * </ul>
 */
abstract sealed class RecordDecoder<T> implements FixedKeyProcessor<String, byte[], Decoded<T>> {
  private final MonitorCounters counters;
  private final AvroCodec<?> codec;
  private final LongAdder read;
  FixedKeyProcessorContext<String, Decoded<T>> context;

  RecordDecoder(AvroCodec<?> codec, MonitorCounters counters, LongAdder read) {
    this.codec = codec;
    this.counters = counters;
    this.read = read;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Decoded<T>> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, byte[]> record) {
    read.increment();
    Decoded<T> decoded;
    try {
      @SuppressWarnings("unchecked")
      T value = (T) codec.decode(record.value());
      String problem = validate(value);
      decoded = problem == null ? Decoded.ok(value) : dead(record, problemType(), problem);
    } catch (RecordDecodingException e) {
      decoded = dead(record, e.reason().name(), e.getMessage());
    }
    context.forward(record.withValue(decoded));
  }

  private Decoded<T> dead(FixedKeyRecord<String, byte[]> record, String type, String message) {
    counters.deadLetters.increment();
    return Decoded.dead(DeadLetters.of(context, record.key(), record.value(), type, message));
  }

  /** Null when the record is fine, else what is wrong with it. */
  abstract String validate(T value);

  abstract String problemType();

  /** Predictions: decode, reject event times from the future. */
  static final class Predictions extends RecordDecoder<Prediction> {
    private final Duration maxFutureSkew;

    Predictions(Duration maxFutureSkew, MonitorCounters counters) {
      super(AvroCodec.of(Prediction.class), counters, counters.predictions);
      this.maxFutureSkew = maxFutureSkew;
    }

    @Override
    String validate(Prediction prediction) {
      long limit = context.currentSystemTimeMs() + maxFutureSkew.toMillis();
      long eventTime = prediction.getEventTime().toEpochMilli();
      return eventTime > limit
          ? "event time "
              + prediction.getEventTime()
              + " is more than "
              + maxFutureSkew
              + " ahead of the monitor's clock"
          : null;
    }

    @Override
    String problemType() {
      return "EVENT_TIME_IN_FUTURE";
    }
  }

  /** Labels: decode, reject classes outside the deployment's class set. */
  static final class Labels extends RecordDecoder<Label> {
    private KeyValueStore<String, ValueAndTimestamp<ClassSet>> classSets;

    Labels(MonitorCounters counters) {
      super(AvroCodec.of(Label.class), counters, counters.labels);
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Decoded<Label>> context) {
      super.init(context);
      this.classSets = context.getStateStore(MonitorTopology.CLASS_SETS_STORE);
    }

    @Override
    String validate(Label label) {
      ValueAndTimestamp<ClassSet> classSet = classSets.get(label.getDeployment());
      if (classSet == null || classSet.value() == null) {
        return null; // nothing to check against yet
      }
      return classSet.value().getClassNames().contains(label.getTrueClass())
          ? null
          : "true class '"
              + label.getTrueClass()
              + "' is not in class set version "
              + classSet.value().getVersion()
              + " of deployment "
              + label.getDeployment();
    }

    @Override
    String problemType() {
      return "UNKNOWN_CLASS";
    }
  }
}
