package io.calmon.schemas.serde.confluent;

import static io.calmon.schemas.serde.confluent.SchemaRegistryClientTest.assertReadable;
import static io.calmon.schemas.serde.confluent.SchemaRegistryClientTest.deadUrl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.schemas.ClassSet;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Label;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import io.calmon.schemas.serde.RecordDecodingException.Reason;
import io.calmon.schemas.serde.confluent.SchemaRegistryException.Kind;
import io.calmon.schemas.testing.RegistryStandIn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfluentCodecTest {

  private static final Instant T0 = Instant.parse("2026-11-27T10:15:30.123Z");
  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  private RegistryStandIn registry;

  @BeforeEach
  void startRegistry() throws IOException {
    registry = RegistryStandIn.start();
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @Test
  void shouldWriteConfluentsWireFormatByteForByte() throws IOException {
    ConfluentCodec<Label> codec = ConfluentCodec.forTopic(Label.class, "labels", client());

    byte[] ours = codec.encode(label());

    assertEquals(List.of(1), registry.idsOf("labels-value"));
    int id = registry.idsOf("labels-value").get(0);
    // The body, written by Avro's own writer rather than through the codec.
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
    new SpecificDatumWriter<>(Label.class).write(label(), encoder);
    encoder.flush();
    byte[] expected =
        ByteBuffer.allocate(5 + body.size())
            .put((byte) 0)
            .putInt(id)
            .put(body.toByteArray())
            .array();
    assertArrayEquals(expected, ours);
    assertEquals("0000000001", HEX.formatHex(ours, 0, 5));
  }

  @Test
  void shouldWriteAHandEncodedClassSet() {
    ClassSet classSet =
        ClassSet.newBuilder()
            .setDeployment("d")
            .setVersion(1)
            .setCreatedAt(Instant.EPOCH)
            .setClassNames(List.of("a"))
            .build();

    byte[] bytes = ConfluentCodec.forTopic(ClassSet.class, "class-sets", client()).encode(classSet);

    // 00 | id 1 | "d" (length 1 = zigzag 02, 'd') | version 1 (02) | created_at 0 (00)
    // | one block of 1 item (02), "a" (02 61), end of array (00)
    assertEquals(
        "00" + "00000001" + "0264" + "02" + "00" + "02" + "0261" + "00", HEX.formatHex(bytes));
  }

  @Test
  void shouldNameTheSubjectAfterTheTopic() {
    ConfluentCodec<Label> codec = ConfluentCodec.forTopic(Label.class, "labels", client());
    assertEquals("labels-value", codec.subject());
    assertEquals(Label.class, codec.recordType());
    codec.encode(label());
    assertEquals(List.of(1), registry.idsOf("labels-value"));

    ConfluentCodec<Label> custom =
        ConfluentCodec.forSubject(Label.class, "io.calmon.schemas.Label", client());
    custom.encode(label());
    assertEquals(List.of(1), registry.idsOf("io.calmon.schemas.Label"));
    assertThrows(
        IllegalArgumentException.class, () -> ConfluentCodec.forTopic(Label.class, " ", client()));
  }

  @Test
  void shouldRoundTrip() {
    SchemaRegistryClient client = client();
    ConfluentCodec<Label> labels = ConfluentCodec.forTopic(Label.class, "labels", client);
    ConfluentCodec<ImageEvent> events =
        ConfluentCodec.forTopic(ImageEvent.class, "image-events", client);
    assertEquals(label(), labels.decode(labels.encode(label())));
    assertEquals(imageEvent(), events.decode(events.encode(imageEvent())));
    // A reader with its own client fetches the writer's schema by id.
    ConfluentCodec<ImageEvent> reader =
        ConfluentCodec.forTopic(ImageEvent.class, "image-events", client());
    assertEquals(imageEvent(), reader.decode(events.encode(imageEvent())));
    assertEquals(List.of(2), registry.idsOf("image-events-value"));
  }

  @Test
  void shouldDecodeARecordWrittenWithAnOlderSchema() throws IOException {
    Schema v1 = RegistryStandIn.schemaResource("io/calmon/schemas/history/ImageEvent.v1.avsc");
    assertNull(v1.getField("attributes"), "v1 must predate attributes");
    int id = client().register("image-events-value", v1);
    GenericRecord old = new GenericData.Record(v1);
    old.put("event_id", "old-1");
    old.put("event_time", 1_700_000_000_000L);
    old.put("deployment", "default");
    old.put("image_uri", "file:///tmp/a.png");
    byte[] bytes = confluentBytes(id, new GenericDatumWriter<>(v1), old);

    ConfluentCodec<ImageEvent> codec =
        ConfluentCodec.forTopic(ImageEvent.class, "image-events", client());
    ImageEvent decoded = codec.decode(bytes);

    assertEquals("old-1", decoded.getEventId());
    assertEquals(1_700_000_000_000L, decoded.getEventTime().toEpochMilli());
    assertEquals("file:///tmp/a.png", decoded.getImageUri());
    assertNull(decoded.getImageBytes());
    assertTrue(decoded.getAttributes().isEmpty(), "the new field takes its default");
    assertEquals(1, registry.fetches());
  }

  @Test
  void shouldRejectBytesThatAreNotConfluentsWireFormat() {
    ConfluentCodec<Label> codec = ConfluentCodec.forTopic(Label.class, "labels", client());
    assertEquals(Reason.EMPTY, decodeFailure(codec, null).reason());
    assertEquals(Reason.EMPTY, decodeFailure(codec, new byte[0]).reason());

    RecordDecodingException wrongMagic = decodeFailure(codec, new byte[] {1, 0, 0, 0, 1, 2, 3});
    assertEquals(Reason.NOT_CONFLUENT_WIRE_FORMAT, wrongMagic.reason());
    assertEquals(
        "expected a Label record in Confluent's wire format (magic byte 00 + 4-byte schema id),"
            + " got 7 bytes starting 01000000010203",
        wrongMagic.getMessage());

    RecordDecodingException truncated = decodeFailure(codec, new byte[] {0, 0, 0, 1});
    assertEquals(Reason.NOT_CONFLUENT_WIRE_FORMAT, truncated.reason());

    byte[] singleObject = AvroCodec.of(Label.class).encode(label());
    RecordDecodingException other = decodeFailure(codec, singleObject);
    assertEquals(Reason.NOT_CONFLUENT_WIRE_FORMAT, other.reason());
    assertTrue(other.getMessage().endsWith("(Avro single-object encoding)"), other.getMessage());
    assertEquals(0, registry.fetches(), "nothing to ask the registry about");
  }

  @Test
  void shouldRejectAnUnknownSchemaId() {
    byte[] valid = encodedLabel(client());
    byte[] body = Arrays.copyOfRange(valid, 5, valid.length);
    byte[] bytes = withHeader(77, body);
    ConfluentCodec<Label> codec = ConfluentCodec.forTopic(Label.class, "labels", client());

    RecordDecodingException e = decodeFailure(codec, bytes);

    assertEquals(Reason.UNKNOWN_SCHEMA, e.reason());
    assertEquals(
        "expected a Label record, but unknown schema id 77: the schema registry at "
            + registry.url()
            + " has none",
        e.getMessage());

    int fetches = registry.fetches();
    RecordDecodingException negative = decodeFailure(codec, withHeader(-1, body));
    assertEquals(Reason.UNKNOWN_SCHEMA, negative.reason());
    assertEquals(fetches, registry.fetches(), "a negative id is never a registry's");
  }

  @Test
  void shouldRejectAnotherRecordTypeAndAnIncompatibleSchema() {
    SchemaRegistryClient client = client();
    byte[] label = encodedLabel(client);
    ConfluentCodec<ImageEvent> events = ConfluentCodec.forTopic(ImageEvent.class, "events", client);
    RecordDecodingException wrongType = decodeFailure(events, label);
    assertEquals(Reason.WRONG_RECORD_TYPE, wrongType.reason());
    assertTrue(
        wrongType.getMessage().contains("got a io.calmon.schemas.Label"), wrongType.getMessage());

    int protobuf = registry.addForeignSchema("PROTOBUF", "syntax = \"proto3\"; message Label {}");
    RecordDecodingException foreign = decodeFailure(events, withHeader(protobuf, new byte[] {2}));
    assertEquals(Reason.WRONG_RECORD_TYPE, foreign.reason());
    assertTrue(foreign.getMessage().contains("PROTOBUF"), foreign.getMessage());

    Schema incompatible =
        SchemaBuilder.record("Label")
            .namespace("io.calmon.schemas")
            .fields()
            .requiredInt("event_id")
            .endRecord();
    int id = client.register("labels-value", incompatible);
    GenericRecord record = new GenericData.Record(incompatible);
    record.put("event_id", 7);
    ConfluentCodec<Label> labels = ConfluentCodec.forTopic(Label.class, "labels", client);
    RecordDecodingException e =
        decodeFailure(labels, confluentBytes(id, new GenericDatumWriter<>(incompatible), record));
    assertEquals(Reason.INCOMPATIBLE_SCHEMA, e.reason());
  }

  @Test
  void shouldRejectTruncatedAndOverlongBodies() {
    SchemaRegistryClient client = client();
    ConfluentCodec<ImageEvent> codec = ConfluentCodec.forTopic(ImageEvent.class, "events", client);
    byte[] bytes = codec.encode(imageEvent());
    RecordDecodingException truncated =
        decodeFailure(codec, Arrays.copyOf(bytes, bytes.length - 4));
    assertEquals(Reason.CORRUPT_BODY, truncated.reason());
    assertReadable(truncated.getMessage());
    assertEquals(
        Reason.CORRUPT_BODY, decodeFailure(codec, Arrays.copyOf(bytes, bytes.length + 2)).reason());
    assertEquals(Reason.CORRUPT_BODY, decodeFailure(codec, Arrays.copyOf(bytes, 5)).reason());
  }

  @Test
  void shouldOnlyEverThrowRecordDecodingExceptionOnCorruptBodies() {
    SchemaRegistryClient client = client();
    ConfluentCodec<ImageEvent> codec = ConfluentCodec.forTopic(ImageEvent.class, "events", client);
    byte[] valid = codec.encode(imageEvent());
    Random random = new Random(42);
    int decoded = 0;
    for (int i = 0; i < 2000; i++) {
      byte[] bytes;
      if (i % 2 == 0) {
        bytes = Arrays.copyOf(valid, valid.length);
        for (int flips = 0; flips < 3; flips++) {
          bytes[5 + random.nextInt(valid.length - 5)] = (byte) random.nextInt(256);
        }
      } else {
        bytes = Arrays.copyOf(valid, 5 + random.nextInt(64));
        for (int j = 5; j < bytes.length; j++) {
          bytes[j] = (byte) random.nextInt(256);
        }
      }
      try {
        codec.decode(bytes);
        decoded++;
      } catch (RecordDecodingException expected) {
        assertEquals(Reason.CORRUPT_BODY, expected.reason(), expected.getMessage());
        assertReadable(expected.getMessage());
      }
    }
    assertTrue(decoded < 2000, "the corruption must be noticed at least sometimes");
    assertEquals(1, registry.registrations());
  }

  @Test
  void shouldNotBlameTheRecordWhenTheRegistryCannotBeAsked() throws IOException {
    byte[] bytes = encodedLabel(client());

    ConfluentCodec<Label> unreachable =
        ConfluentCodec.forTopic(
            Label.class,
            "labels",
            SchemaRegistryClient.builder(deadUrl()).retryFor(Duration.ZERO).build());
    SchemaRegistryException down =
        assertThrows(SchemaRegistryException.class, () -> unreachable.decode(bytes));
    assertEquals(Kind.UNREACHABLE, down.kind());
    assertTrue(down.retriable());
    assertThrows(SchemaRegistryException.class, () -> unreachable.encode(label()));

    ConfluentCodec<Label> wrongUrl =
        ConfluentCodec.forTopic(
            Label.class, "labels", SchemaRegistryClient.builder(registry.url() + "/x").build());
    assertEquals(
        Kind.UNEXPECTED_RESPONSE,
        assertThrows(SchemaRegistryException.class, () -> wrongUrl.decode(bytes)).kind());

    // A failing registry is not remembered: the same bytes decode once it answers again.
    ConfluentCodec<Label> codec =
        ConfluentCodec.forTopic(
            Label.class,
            "labels",
            SchemaRegistryClient.builder(registry.url()).retryFor(Duration.ZERO).build());
    registry.failWith(503);
    SchemaRegistryException failing =
        assertThrows(SchemaRegistryException.class, () -> codec.decode(bytes));
    assertEquals(Kind.SERVER_ERROR, failing.kind());
    registry.failWith(0);
    assertEquals(label(), codec.decode(bytes));

    registry.requireBasicAuth("alice", "s3cret");
    ConfluentCodec<Label> anonymous = ConfluentCodec.forTopic(Label.class, "labels", client());
    assertEquals(
        Kind.NOT_AUTHENTICATED,
        assertThrows(SchemaRegistryException.class, () -> anonymous.decode(bytes)).kind());
  }

  @Test
  void shouldReportARefusedSchemaWhenEncoding() {
    registry.refuse("labels-value", 409, 409, "Schema being registered is incompatible");
    ConfluentCodec<Label> codec = ConfluentCodec.forTopic(Label.class, "labels", client());
    SchemaRegistryException e =
        assertThrows(SchemaRegistryException.class, () -> codec.encode(label()));
    assertEquals(
        "schema registry refused the schema for subject labels-value as incompatible: Schema"
            + " being registered is incompatible",
        e.getMessage());
  }

  @Test
  void shouldRegisterOnceAndFetchOnceForAHundredRecords() {
    ConfluentCodec<Label> writer = ConfluentCodec.forTopic(Label.class, "labels", client());
    List<byte[]> encoded = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      encoded.add(writer.encode(label(i)));
    }
    assertEquals(1, registry.registrations());

    ConfluentCodec<Label> reader = ConfluentCodec.forTopic(Label.class, "labels", client());
    for (int i = 0; i < 100; i++) {
      assertEquals(label(i), reader.decode(encoded.get(i)));
    }
    assertEquals(1, registry.fetches());
    assertEquals(1, registry.registrations());
  }

  @Test
  void shouldServeManyThreadsAtOnce() throws Exception {
    ConfluentCodec<Label> writer = ConfluentCodec.forTopic(Label.class, "labels", client());
    ConfluentCodec<Label> reader = ConfluentCodec.forTopic(Label.class, "labels", client());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    try {
      for (int t = 0; t < 8; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  int ok = 0;
                  for (int i = 0; i < 200; i++) {
                    Label record = label(thread * 1000 + i);
                    if (record.equals(reader.decode(writer.encode(record)))) {
                      ok++;
                    }
                  }
                  return ok;
                }));
      }
      go.countDown();
      for (Future<Integer> result : results) {
        assertEquals(200, result.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, registry.registrations());
    assertEquals(1, registry.fetches());
  }

  private SchemaRegistryClient client() {
    return SchemaRegistryClient.builder(registry.url()).build();
  }

  private static byte[] encodedLabel(SchemaRegistryClient client) {
    return ConfluentCodec.forTopic(Label.class, "labels", client).encode(label());
  }

  static Label label() {
    return Label.newBuilder()
        .setEventId("img-1")
        .setTrueClass("red circle")
        .setLabelledAt(T0)
        .setSource("annotator-7")
        .build();
  }

  static Label label(int i) {
    return Label.newBuilder(label()).setEventId("img-" + i).build();
  }

  static ImageEvent imageEvent() {
    return ImageEvent.newBuilder()
        .setEventId("img-1")
        .setEventTime(T0)
        .setImageBytes(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G'}))
        .setContentType("image/png")
        .setSource("camera-3")
        .setAttributes(Map.of("site", "north"))
        .build();
  }

  private static byte[] withHeader(int id, byte[] body) {
    return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(id).put(body).array();
  }

  private static <D> byte[] confluentBytes(int id, DatumWriter<D> writer, D datum) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
    try {
      writer.write(datum, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return withHeader(id, body.toByteArray());
  }

  private static RecordDecodingException decodeFailure(ConfluentCodec<?> codec, byte[] bytes) {
    return assertThrows(RecordDecodingException.class, () -> codec.decode(bytes));
  }
}
