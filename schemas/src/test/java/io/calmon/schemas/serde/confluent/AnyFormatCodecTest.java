package io.calmon.schemas.serde.confluent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.calmon.schemas.ClassSet;
import io.calmon.schemas.Label;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import io.calmon.schemas.serde.RecordDecodingException.Reason;
import io.calmon.schemas.serde.confluent.AnyFormatCodec.WireFormat;
import io.calmon.schemas.testing.RegistryStandIn;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnyFormatCodecTest {

  private RegistryStandIn registry;
  private ConfluentCodec<Label> confluent;
  private AvroCodec<Label> singleObject;

  @BeforeEach
  void startRegistry() throws IOException {
    registry = RegistryStandIn.start();
    confluent =
        ConfluentCodec.forTopic(
            Label.class, "labels", SchemaRegistryClient.builder(registry.url()).build());
    singleObject = AvroCodec.of(Label.class);
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @Test
  void shouldWriteConfluentAndReadBothFormats() {
    AnyFormatCodec<Label> codec =
        AnyFormatCodec.writing(WireFormat.CONFLUENT, confluent, singleObject);
    Label label = ConfluentCodecTest.label();

    byte[] written = codec.encode(label);

    assertEquals(WireFormat.CONFLUENT, codec.writes());
    assertEquals(Label.class, codec.recordType());
    assertEquals(0x00, written[0]);
    assertArrayEquals(confluent.encode(label), written);
    assertEquals(label, codec.decode(written));
    assertEquals(label, codec.decode(singleObject.encode(label)));
  }

  @Test
  void shouldWriteSingleObjectAndReadBothFormats() {
    AnyFormatCodec<Label> codec =
        AnyFormatCodec.writing(WireFormat.SINGLE_OBJECT, confluent, singleObject);
    Label label = ConfluentCodecTest.label(3);

    byte[] written = codec.encode(label);

    assertEquals((byte) 0xC3, written[0]);
    assertArrayEquals(singleObject.encode(label), written);
    assertEquals(0, registry.registrations(), "writing single-object needs no registry");
    assertEquals(label, codec.decode(written));
    assertEquals(label, codec.decode(confluent.encode(label)));
  }

  @Test
  void shouldRejectBytesInNeitherFormat() {
    AnyFormatCodec<Label> codec =
        AnyFormatCodec.writing(WireFormat.CONFLUENT, confluent, singleObject);
    assertEquals(Reason.EMPTY, failure(codec, null).reason());
    assertEquals(Reason.EMPTY, failure(codec, new byte[0]).reason());
    RecordDecodingException neither = failure(codec, "{\"json\": true}".getBytes());
    assertEquals(Reason.UNKNOWN_WIRE_FORMAT, neither.reason());
    assertEquals(
        "expected a Label record in Confluent's wire format (first byte 00) or Avro single-object"
            + " encoding (first byte C3), got 14 bytes starting 7B",
        neither.getMessage());
    // Past the first byte, each format's own checks apply.
    assertEquals(
        Reason.NOT_CONFLUENT_WIRE_FORMAT, failure(codec, new byte[] {0x00, 0x01}).reason());
    assertEquals(
        Reason.NOT_SINGLE_OBJECT_ENCODING,
        failure(codec, new byte[] {(byte) 0xC3, 0x02, 1, 2, 3, 4, 5, 6, 7, 8}).reason());
  }

  @Test
  void shouldTellTheFormatsApartByTheFirstByte() {
    assertEquals(WireFormat.CONFLUENT, WireFormat.of(new byte[] {0x00}));
    assertEquals(WireFormat.SINGLE_OBJECT, WireFormat.of(new byte[] {(byte) 0xC3, 0x01}));
    assertNull(WireFormat.of(new byte[] {0x01}));
    assertNull(WireFormat.of(new byte[0]));
    assertNull(WireFormat.of(null));
  }

  @Test
  void shouldRefuseCodecsOfDifferentRecordTypes() {
    assertThrows(
        IllegalArgumentException.class,
        () -> {
          @SuppressWarnings({"unchecked", "rawtypes"})
          AvroCodec<Label> mismatched = (AvroCodec) AvroCodec.of(ClassSet.class);
          AnyFormatCodec.writing(WireFormat.CONFLUENT, confluent, mismatched);
        });
  }

  private static RecordDecodingException failure(AnyFormatCodec<Label> codec, byte[] bytes) {
    return assertThrows(RecordDecodingException.class, () -> codec.decode(bytes));
  }
}
