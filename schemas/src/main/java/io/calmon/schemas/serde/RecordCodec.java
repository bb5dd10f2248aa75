package io.calmon.schemas.serde;

/**
 * Turns records of one type into bytes and back. Implementations: {@link AvroCodec} (Avro
 * single-object encoding, the default, needs no registry server). A Confluent wire-format codec
 * (magic byte + 4-byte registry id) plugs in here when a schema registry is configured; see
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
   * @throws RecordDecodingException for anything that is not such a record, with the reason
   */
  T decode(byte[] bytes);
}
