package io.calmon.kafka.serde;

import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.serde.RecordCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} over a calmon {@link RecordCodec} (Avro single-object encoding by default).
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

  private final RecordCodec<T> codec;

  private AvroSerde(RecordCodec<T> codec) {
    this.codec = codec;
  }

  /** A serde for {@code type} reading every version in the standard schema store. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(AvroCodec.of(type));
  }

  /** A serde over any codec, e.g. a Confluent wire-format codec. */
  public static <T extends SpecificRecord> AvroSerde<T> over(RecordCodec<T> codec) {
    return new AvroSerde<>(codec);
  }

  /** The record type this serde reads and writes. */
  public Class<T> recordType() {
    return codec.recordType();
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : codec.encode(data);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : codec.decode(data);
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
