package io.calmon.kafka.serde;

import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.serde.RecordCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import io.calmon.schemas.serde.confluent.ValueFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} over calmon's {@link RecordCodec}s: Avro single-object encoding by default,
 * or a {@link ValueFormat}'s codec for each topic (Confluent's wire format through a registry).
 *
 * <p>A null value (a tombstone on a compacted topic) stays null both ways. Bytes that are not a
 * record of this type throw {@link RecordDecodingException}: consumers catch it and send the
 * original bytes to dead-letters with {@link RecordDecodingException#reason()}; Kafka Streams
 * routes it through its deserialization exception handler.
 *
 * @param <T> the record type
 */
public final class AvroSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {

  private final Class<T> type;
  private final Function<String, RecordCodec<T>> codecs;

  private AvroSerde(Class<T> type, Function<String, RecordCodec<T>> codecs) {
    this.type = type;
    this.codecs = codecs;
  }

  /** A serde for {@code type} in single-object encoding, reading every known version. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    AvroCodec<T> codec = AvroCodec.of(type);
    return new AvroSerde<>(type, topic -> codec);
  }

  /**
   * A serde for {@code type} in {@code format}: the codec of each topic it is used on (under
   * Confluent's format the subject is the topic's).
   */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, ValueFormat format) {
    Map<String, RecordCodec<T>> byTopic = new ConcurrentHashMap<>();
    return new AvroSerde<>(
        type,
        topic ->
            byTopic.computeIfAbsent(
                Objects.requireNonNull(topic, "a topic (its codec depends on it)"),
                t -> format.codec(type, t)));
  }

  /** A serde over one codec, whatever the topic. */
  public static <T extends SpecificRecord> AvroSerde<T> over(RecordCodec<T> codec) {
    return new AvroSerde<>(codec.recordType(), topic -> codec);
  }

  /** The record type this serde reads and writes. */
  public Class<T> recordType() {
    return type;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : codecs.apply(topic).encode(data);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : codecs.apply(topic).decode(data);
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // Nothing to configure: the codec is complete at construction.
  }

  @Override
  public void close() {
    // The codec holds no resources.
  }
}
