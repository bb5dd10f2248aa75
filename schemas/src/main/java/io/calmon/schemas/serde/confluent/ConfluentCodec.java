package io.calmon.schemas.serde.confluent;

import io.calmon.schemas.serde.AvroBody;
import io.calmon.schemas.serde.RecordCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import io.calmon.schemas.serde.RecordDecodingException.Reason;
import io.calmon.schemas.serde.confluent.SchemaRegistryException.Kind;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Confluent's Avro wire format, as Confluent's {@code KafkaAvroSerializer} writes it: the magic
 * byte {@code 0x00}, the writer schema's schema-registry id as a 4-byte big-endian integer, then
 * the record's Avro binary encoding (no length prefix, no fingerprint).
 *
 * <p>One codec serves one record type under one subject. {@link #encode} registers the generated
 * class's schema under the subject on first use (a registry answers the existing id for a schema
 * the subject already has) and reuses the id. {@link #decode} fetches the writer schema by the id
 * in the header (once per id) and reads the body into the current generated class by Avro's schema
 * resolution, so records written with an older compatible schema decode.
 *
 * <p>Bytes that are not such a record throw {@link RecordDecodingException}, as every calmon codec
 * does. A registry that cannot be asked (unreachable, failing, refusing the credentials) throws
 * {@link SchemaRegistryException} instead: the record is not at fault and may decode on a retry.
 *
 * <p>Thread-safe: one instance per record type can be shared by all threads.
 *
 * @param <T> the generated record class
 */
public final class ConfluentCodec<T extends SpecificRecord> implements RecordCodec<T> {

  /** The first byte of every record in Confluent's wire format. */
  public static final byte MAGIC_BYTE = 0x00;

  /** The magic byte and the 4-byte schema id. */
  public static final int HEADER_LENGTH = 5;

  private final Class<T> type;
  private final Schema schema;
  private final SpecificData model;
  private final String subject;
  private final SchemaRegistryClient registry;
  private final SpecificDatumWriter<T> writer;
  private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
  private volatile byte[] header;

  private ConfluentCodec(Class<T> type, String subject, SchemaRegistryClient registry) {
    this.type = Objects.requireNonNull(type, "type");
    this.registry = Objects.requireNonNull(registry, "registry");
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("a schema registry subject must not be empty");
    }
    this.subject = subject;
    this.model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.writer = new SpecificDatumWriter<>(schema, model);
  }

  /**
   * A codec for the values of {@code topic}, under Confluent's default subject naming ({@code
   * TopicNameStrategy}): the subject is {@code <topic>-value}.
   */
  public static <T extends SpecificRecord> ConfluentCodec<T> forTopic(
      Class<T> type, String topic, SchemaRegistryClient registry) {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("a topic name must not be empty");
    }
    return new ConfluentCodec<>(type, valueSubject(topic), registry);
  }

  /** A codec that registers its schema under {@code subject}, whatever the naming strategy. */
  public static <T extends SpecificRecord> ConfluentCodec<T> forSubject(
      Class<T> type, String subject, SchemaRegistryClient registry) {
    return new ConfluentCodec<>(type, subject, registry);
  }

  /** The subject of a topic's values under {@code TopicNameStrategy}: {@code <topic>-value}. */
  public static String valueSubject(String topic) {
    return topic + "-value";
  }

  /** The subject this codec registers its schema under. */
  public String subject() {
    return subject;
  }

  @Override
  public Class<T> recordType() {
    return type;
  }

  /**
   * Encodes a record; the first call registers the schema.
   *
   * @throws SchemaRegistryException if the schema cannot be registered
   */
  @Override
  public byte[] encode(T record) {
    return AvroBody.write(header(), writer, record, schema.getName());
  }

  /**
   * Decodes a record written with any schema the registry holds that the current class can read.
   *
   * @throws RecordDecodingException for bytes that are not such a record, with the reason
   * @throws SchemaRegistryException if the registry cannot be asked for the writer schema
   */
  @Override
  public T decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new RecordDecodingException(
          Reason.EMPTY, "expected a " + schema.getName() + " record, got no bytes");
    }
    if (bytes.length < HEADER_LENGTH || bytes[0] != MAGIC_BYTE) {
      throw new RecordDecodingException(
          Reason.NOT_CONFLUENT_WIRE_FORMAT,
          String.format(
              "expected a %s record in Confluent's wire format (magic byte 00 + 4-byte schema id),"
                  + " got %d bytes starting %s%s",
              schema.getName(),
              bytes.length,
              AvroBody.hexPrefix(bytes),
              bytes[0] == (byte) 0xC3 ? " (Avro single-object encoding)" : ""));
    }
    int id = readId(bytes);
    SpecificDatumReader<T> reader = readers.get(id);
    if (reader == null) {
      reader = readers.computeIfAbsent(id, this::readerFor);
    }
    return AvroBody.read(reader, bytes, HEADER_LENGTH, schema.getName());
  }

  private byte[] header() {
    byte[] prefix = header;
    if (prefix == null) {
      prefix = header(registry.register(subject, schema));
      header = prefix;
    }
    return prefix;
  }

  private SpecificDatumReader<T> readerFor(int id) {
    if (id < 0) {
      throw new RecordDecodingException(
          Reason.UNKNOWN_SCHEMA,
          "expected a " + schema.getName() + " record, but its schema id " + id + " is negative");
    }
    Schema writerSchema;
    try {
      writerSchema = registry.schemaById(id);
    } catch (SchemaRegistryException e) {
      if (e.kind() == Kind.UNKNOWN_SCHEMA_ID) {
        throw new RecordDecodingException(
            Reason.UNKNOWN_SCHEMA,
            "expected a " + schema.getName() + " record, but " + e.getMessage(),
            e);
      }
      if (e.kind() == Kind.NOT_AVRO) {
        throw new RecordDecodingException(
            Reason.WRONG_RECORD_TYPE,
            "expected an Avro " + schema.getName() + " record, but " + e.getMessage(),
            e);
      }
      throw e;
    }
    return AvroBody.resolvingReader(writerSchema, schema, model, "schema id " + id);
  }

  static byte[] header(int id) {
    return new byte[] {
      MAGIC_BYTE, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id
    };
  }

  private static int readId(byte[] bytes) {
    return (bytes[1] & 0xFF) << 24
        | (bytes[2] & 0xFF) << 16
        | (bytes[3] & 0xFF) << 8
        | (bytes[4] & 0xFF);
  }
}
