package io.calmon.schemas.serde;

import io.calmon.schemas.serde.RecordDecodingException.Reason;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (Avro specification, "Single object encoding"): the two marker bytes
 * {@code C3 01}, the writer schema's 64-bit fingerprint (little-endian), then the Avro binary body.
 * The fingerprint is looked up in a {@link SchemaStore}, so a record written by any known past
 * version decodes into the current class by Avro's schema resolution.
 *
 * <p>Thread-safe: one instance per record type can be shared by all threads.
 *
 * @param <T> the generated record class
 */
public final class AvroCodec<T extends SpecificRecord> implements RecordCodec<T> {

  static final byte MARKER_0 = (byte) 0xC3;
  static final byte MARKER_1 = (byte) 0x01;
  static final int HEADER_LENGTH = 10;

  private final Class<T> type;
  private final Schema schema;
  private final SpecificData model;
  private final SchemaStore store;
  private final byte[] header;
  private final SpecificDatumWriter<T> writer;
  private final Map<Long, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

  private AvroCodec(Class<T> type, SchemaStore store) {
    this.type = type;
    this.model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.store = store;
    this.header = header(store.register(schema));
    this.writer = new SpecificDatumWriter<>(schema, model);
  }

  /**
   * A codec for {@code type} that reads every version in the {@linkplain SchemaStore#standard
   * standard store}.
   */
  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    return new AvroCodec<>(type, SchemaStore.standard());
  }

  /** A codec for {@code type} that reads every version in {@code store}. */
  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type, SchemaStore store) {
    return new AvroCodec<>(type, store);
  }

  @Override
  public Class<T> recordType() {
    return type;
  }

  @Override
  public byte[] encode(T record) {
    return AvroBody.write(header, writer, record, schema.getName());
  }

  @Override
  public T decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new RecordDecodingException(
          Reason.EMPTY, "expected a " + schema.getName() + " record, got no bytes");
    }
    if (bytes.length < HEADER_LENGTH || bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
      throw new RecordDecodingException(
          Reason.NOT_SINGLE_OBJECT_ENCODING,
          String.format(
              "expected a %s record in Avro single-object encoding (marker C3 01 + 8-byte"
                  + " fingerprint), got %d bytes starting %s",
              schema.getName(), bytes.length, AvroBody.hexPrefix(bytes)));
    }
    long fingerprint = readFingerprint(bytes);
    SpecificDatumReader<T> reader = readers.computeIfAbsent(fingerprint, this::readerFor);
    return AvroBody.read(reader, bytes, HEADER_LENGTH, schema.getName());
  }

  private SpecificDatumReader<T> readerFor(long fingerprint) {
    Schema writerSchema = store.findByFingerprint(fingerprint);
    if (writerSchema == null) {
      throw new RecordDecodingException(
          Reason.UNKNOWN_SCHEMA,
          String.format(
              "expected a %s record, but schema fingerprint %016x is not a known version of any"
                  + " calmon contract",
              schema.getName(), fingerprint));
    }
    return AvroBody.resolvingReader(
        writerSchema, schema, model, String.format("schema %016x", fingerprint));
  }

  private static byte[] header(long fingerprint) {
    byte[] header = new byte[HEADER_LENGTH];
    header[0] = MARKER_0;
    header[1] = MARKER_1;
    for (int i = 0; i < 8; i++) {
      header[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    return header;
  }

  private static long readFingerprint(byte[] bytes) {
    long fingerprint = 0;
    for (int i = 0; i < 8; i++) {
      fingerprint |= (bytes[2 + i] & 0xFFL) << (8 * i);
    }
    return fingerprint;
  }
}
