package io.calmon.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.serde.RecordDecodingException.Reason;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class AvroCodecTest {

  @Test
  void shouldRoundTripEveryContract() {
    for (SpecificRecord record : SampleRecords.all()) {
      @SuppressWarnings("unchecked")
      Class<SpecificRecord> type = (Class<SpecificRecord>) record.getClass();
      AvroCodec<SpecificRecord> codec = AvroCodec.of(type);
      assertEquals(record, codec.decode(codec.encode(record)), type.getSimpleName());
    }
  }

  @Test
  void shouldWriteTheSpecsSingleObjectEncoding() throws Exception {
    // Avro's own message decoder is the independent reference for the wire format.
    Prediction prediction = SampleRecords.prediction();
    byte[] ours = AvroCodec.of(Prediction.class).encode(prediction);
    BinaryMessageDecoder<Prediction> avros =
        new BinaryMessageDecoder<>(SpecificData.getForClass(Prediction.class), Prediction.SCHEMA$);
    assertEquals(prediction, avros.decode(ours));
    byte[] theirs =
        new BinaryMessageEncoder<Prediction>(
                SpecificData.getForClass(Prediction.class), Prediction.SCHEMA$)
            .encode(prediction)
            .array();
    assertArrayEquals(theirs, ours);
  }

  @Test
  void shouldDecodeImageEventWrittenByVersionOne() throws Exception {
    Schema v1 =
        SchemaStore.loadHistory(getClass().getClassLoader()).stream()
            .filter(s -> s.getName().equals("ImageEvent"))
            .findFirst()
            .orElseThrow();
    assertTrue(v1.getField("attributes") == null, "v1 must predate attributes");
    GenericRecord old = new GenericData.Record(v1);
    old.put("event_id", "old-1");
    old.put("event_time", 1_700_000_000_000L);
    old.put("deployment", "default");
    old.put("image_uri", "file:///tmp/a.png");
    byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

    ImageEvent decoded = AvroCodec.of(ImageEvent.class).decode(bytes);

    assertEquals("old-1", decoded.getEventId());
    assertEquals(1_700_000_000_000L, decoded.getEventTime().toEpochMilli());
    assertEquals("file:///tmp/a.png", decoded.getImageUri());
    assertEquals(null, decoded.getImageBytes());
    assertTrue(decoded.getAttributes().isEmpty(), "new field takes its default");
  }

  @Test
  void shouldRejectUnknownSchemaFingerprintNamingIt() throws Exception {
    Schema stranger =
        SchemaBuilder.record("ImageEvent")
            .namespace("io.calmon.schemas")
            .fields()
            .requiredString("event_id")
            .requiredInt("surprise")
            .endRecord();
    GenericRecord record = new GenericData.Record(stranger);
    record.put("event_id", "x");
    record.put("surprise", 7);
    byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), stranger).encode(record).array();

    RecordDecodingException e = decodeFailure(ImageEvent.class, bytes);

    assertEquals(Reason.UNKNOWN_SCHEMA, e.reason());
    assertTrue(
        e.getMessage().contains(String.format("%016x", SchemaStore.fingerprint(stranger))),
        e.getMessage());
  }

  @Test
  void shouldRejectPlainGarbage() {
    RecordDecodingException e = decodeFailure(Label.class, "hello, world".getBytes());
    assertEquals(Reason.NOT_SINGLE_OBJECT_ENCODING, e.reason());
    assertTrue(e.getMessage().contains("68656C6C"), e.getMessage());
    assertEquals(
        Reason.NOT_SINGLE_OBJECT_ENCODING,
        decodeFailure(Label.class, new byte[] {(byte) 0xC3}).reason());
  }

  @Test
  void shouldRejectEmptyAndNullBytes() {
    assertEquals(Reason.EMPTY, decodeFailure(Label.class, new byte[0]).reason());
    assertEquals(Reason.EMPTY, decodeFailure(Label.class, null).reason());
  }

  @Test
  void shouldRejectAnotherContractsRecord() {
    byte[] label = AvroCodec.of(Label.class).encode(sampleLabel());
    RecordDecodingException e = decodeFailure(Prediction.class, label);
    assertEquals(Reason.WRONG_RECORD_TYPE, e.reason());
    assertTrue(e.getMessage().contains("io.calmon.schemas.Label"), e.getMessage());
  }

  @Test
  void shouldRejectTruncatedAndOverlongBodies() {
    byte[] bytes = AvroCodec.of(Prediction.class).encode(SampleRecords.prediction());
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 5);
    assertEquals(Reason.CORRUPT_BODY, decodeFailure(Prediction.class, truncated).reason());
    byte[] overlong = Arrays.copyOf(bytes, bytes.length + 3);
    assertEquals(Reason.CORRUPT_BODY, decodeFailure(Prediction.class, overlong).reason());
  }

  @Test
  void shouldOnlyEverThrowRecordDecodingExceptionOnRandomBodies() {
    byte[] valid = AvroCodec.of(Prediction.class).encode(SampleRecords.prediction());
    AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class);
    Random random = new Random(42);
    int decoded = 0;
    for (int i = 0; i < 2000; i++) {
      byte[] bytes = Arrays.copyOf(valid, AvroCodec.HEADER_LENGTH + random.nextInt(64));
      if (i % 2 == 0) {
        // flip a few bytes of a real record rather than replacing the whole body
        bytes = Arrays.copyOf(valid, valid.length);
        for (int flips = 0; flips < 3; flips++) {
          int at = AvroCodec.HEADER_LENGTH + random.nextInt(valid.length - AvroCodec.HEADER_LENGTH);
          bytes[at] = (byte) random.nextInt(256);
        }
      } else {
        for (int j = AvroCodec.HEADER_LENGTH; j < bytes.length; j++) {
          bytes[j] = (byte) random.nextInt(256);
        }
      }
      try {
        codec.decode(bytes);
        decoded++;
      } catch (RecordDecodingException expected) {
        assertEquals(Reason.CORRUPT_BODY, expected.reason(), expected.getMessage());
        // What a user reads in a dead letter: words, no Java class names.
        assertFalse(
            expected.getMessage().matches("(?s).*\\b(java|org)\\.[a-z]+\\..*|.*Exception.*"),
            expected.getMessage());
      }
    }
    assertTrue(decoded < 2000, "the corruption must be noticed at least sometimes");
  }

  private static Label sampleLabel() {
    return Label.newBuilder()
        .setEventId("e")
        .setTrueClass("c")
        .setLabelledAt(SampleRecords.T0)
        .build();
  }

  private static <T extends SpecificRecord> RecordDecodingException decodeFailure(
      Class<T> type, byte[] bytes) {
    return assertThrows(RecordDecodingException.class, () -> AvroCodec.of(type).decode(bytes));
  }
}
