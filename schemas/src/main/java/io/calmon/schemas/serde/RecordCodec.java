package io.calmon.schemas.serde;

/**
 * Turns records of one type into bytes and back. Implementations: {@link AvroCodec} (Avro
 * single-object encoding, the default, needs no registry server), {@link
 * io.calmon.schemas.serde.confluent.ConfluentCodec} (Confluent's wire format, magic byte + 4-byte
 * registry id, for a configured schema registry) and {@link
 * io.calmon.schemas.serde.confluent.AnyFormatCodec} (reads both, writes one); see
 * docs/ARCHITECTURE.md, "Serialization".
 *
 * @param <T> the record type
 */
public interface RecordCodec<T> {

  /** The record type this codec reads and writes. */
  Class<T> recordType();

  /** Encodes a record; never returns null. */
  byte[] encode(T record);

  /**
   * Decodes bytes written by any known version of this record's schema.
   *
   * @throws RecordDecodingException for anything that is not such a record, with the reason. A
   *     codec that asks a server for schemas throws its own unchecked exception instead when the
   *     server cannot be asked, since the record is not at fault (for {@link
   *     io.calmon.schemas.serde.confluent.ConfluentCodec}, {@link
   *     io.calmon.schemas.serde.confluent.SchemaRegistryException}).
   */
  T decode(byte[] bytes);
}
