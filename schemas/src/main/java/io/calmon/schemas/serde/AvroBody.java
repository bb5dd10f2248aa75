package io.calmon.schemas.serde;

import io.calmon.schemas.serde.RecordDecodingException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The Avro binary body that follows a wire format's header, written and read the same way by every
 * codec ({@link AvroCodec}'s single-object encoding, Confluent's format): a body must end where its
 * record ends, and what goes wrong is said in words, never as an exception class name.
 */
public final class AvroBody {
  private AvroBody() {}

  /** {@code header} followed by {@code record}'s Avro binary encoding. */
  public static <T> byte[] write(
      byte[] header, SpecificDatumWriter<T> writer, T record, String recordName) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(header);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + recordName, e);
    }
    return out.toByteArray();
  }

  /**
   * The record whose body starts at {@code offset} and runs to the end of {@code bytes}.
   *
   * @throws RecordDecodingException ({@code CORRUPT_BODY}) for a body that is truncated, does not
   *     match the writer schema, or has bytes left after the record
   */
  public static <T> T read(
      SpecificDatumReader<T> reader, byte[] bytes, int offset, String recordName) {
    BinaryDecoder decoder =
        DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null);
    T record;
    try {
      record = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new RecordDecodingException(
            Reason.CORRUPT_BODY,
            recordName
                + " record has trailing bytes after its body ("
                + bytes.length
                + " bytes in all)");
      }
    } catch (RecordDecodingException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new RecordDecodingException(
          Reason.CORRUPT_BODY,
          recordName + " record body is corrupt or truncated: " + problem(e),
          e);
    }
    return record;
  }

  /**
   * A reader of records written with {@code writer} into the current class of schema {@code
   * reader}, by Avro's schema resolution.
   *
   * @param writerName which writer schema, for messages ("schema 0123abcd", "schema id 7")
   * @throws RecordDecodingException {@code WRONG_RECORD_TYPE} when the writer schema is another
   *     record (neither its name nor an alias), {@code INCOMPATIBLE_SCHEMA} when the current
   *     version cannot read it
   */
  public static <T> SpecificDatumReader<T> resolvingReader(
      Schema writer, Schema reader, SpecificData model, String writerName) {
    if (writer.getType() != Schema.Type.RECORD
        || (!writer.getFullName().equals(reader.getFullName())
            && !reader.getAliases().contains(writer.getFullName()))) {
      throw new RecordDecodingException(
          Reason.WRONG_RECORD_TYPE,
          "expected a "
              + reader.getFullName()
              + " record, got a "
              + writer.getFullName()
              + " ("
              + writerName
              + ")");
    }
    SchemaCompatibility.SchemaPairCompatibility compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
      throw new RecordDecodingException(
          Reason.INCOMPATIBLE_SCHEMA,
          reader.getName()
              + " written with "
              + writerName
              + " cannot be read as the current version: "
              + compatibility.getDescription());
    }
    return new SpecificDatumReader<>(writer, reader, model);
  }

  /** The first (at most 8) bytes in hex, for messages about bytes that are not a record. */
  public static String hexPrefix(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(bytes.length, 8); i++) {
      hex.append(String.format("%02X", bytes[i]));
    }
    return hex.length() == 0 ? "(nothing)" : hex.toString();
  }

  /** What went wrong while reading a body, in words. */
  private static String problem(Exception e) {
    if (e instanceof EOFException) {
      return "it ends before its last field";
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? "it does not match its schema" : message;
  }
}
