package io.calmon.schemas.serde.confluent;

import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.serde.RecordCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import io.calmon.schemas.serde.RecordDecodingException.Reason;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads both of calmon's wire formats and writes one of them, for topics that move from one format
 * to the other: a consumer reads what old and new producers wrote while producers switch.
 *
 * <p>The first byte tells the formats apart: {@code 0x00} is Confluent's wire format ({@link
 * ConfluentCodec}), {@code 0xC3} Avro single-object encoding ({@link AvroCodec}). Anything else is
 * a {@link RecordDecodingException} with {@link Reason#UNKNOWN_WIRE_FORMAT}; everything past the
 * first byte is checked by the codec of that format.
 *
 * <p>Thread-safe when both codecs are (both calmon codecs are).
 *
 * @param <T> the generated record class
 */
public final class AnyFormatCodec<T extends SpecificRecord> implements RecordCodec<T> {

  /** The wire formats this codec reads. */
  public enum WireFormat {
    /** Magic byte {@code 0x00}, 4-byte schema-registry id, Avro binary body. */
    CONFLUENT,
    /** Marker {@code C3 01}, 8-byte schema fingerprint, Avro binary body. */
    SINGLE_OBJECT;

    /** The format the bytes are in, judged by their first byte; null if neither or empty. */
    public static WireFormat of(byte[] bytes) {
      if (bytes == null || bytes.length == 0) {
        return null;
      }
      return switch (bytes[0]) {
        case ConfluentCodec.MAGIC_BYTE -> CONFLUENT;
        case (byte) 0xC3 -> SINGLE_OBJECT;
        default -> null;
      };
    }
  }

  private final WireFormat writes;
  private final ConfluentCodec<T> confluent;
  private final AvroCodec<T> singleObject;

  private AnyFormatCodec(
      WireFormat writes, ConfluentCodec<T> confluent, AvroCodec<T> singleObject) {
    this.writes = Objects.requireNonNull(writes, "writes");
    this.confluent = Objects.requireNonNull(confluent, "confluent");
    this.singleObject = Objects.requireNonNull(singleObject, "singleObject");
    if (confluent.recordType() != singleObject.recordType()) {
      throw new IllegalArgumentException(
          "both codecs must read the same record type, got "
              + confluent.recordType().getSimpleName()
              + " and "
              + singleObject.recordType().getSimpleName());
    }
  }

  /**
   * A codec that writes {@code writes} and reads both formats.
   *
   * @throws IllegalArgumentException if the two codecs are for different record types
   */
  public static <T extends SpecificRecord> AnyFormatCodec<T> writing(
      WireFormat writes, ConfluentCodec<T> confluent, AvroCodec<T> singleObject) {
    return new AnyFormatCodec<>(writes, confluent, singleObject);
  }

  /** The format {@link #encode} writes. */
  public WireFormat writes() {
    return writes;
  }

  @Override
  public Class<T> recordType() {
    return confluent.recordType();
  }

  @Override
  public byte[] encode(T record) {
    return writes == WireFormat.CONFLUENT ? confluent.encode(record) : singleObject.encode(record);
  }

  /**
   * Decodes a record in either format.
   *
   * @throws RecordDecodingException for bytes that are a record in neither format
   * @throws SchemaRegistryException if a Confluent record's schema cannot be asked for
   */
  @Override
  public T decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new RecordDecodingException(
          Reason.EMPTY, "expected a " + recordType().getSimpleName() + " record, got no bytes");
    }
    WireFormat format = WireFormat.of(bytes);
    if (format == null) {
      throw new RecordDecodingException(
          Reason.UNKNOWN_WIRE_FORMAT,
          String.format(
              "expected a %s record in Confluent's wire format (first byte 00) or Avro"
                  + " single-object encoding (first byte C3), got %d bytes starting %02X",
              recordType().getSimpleName(), bytes.length, bytes[0]));
    }
    return format == WireFormat.CONFLUENT ? confluent.decode(bytes) : singleObject.decode(bytes);
  }
}
