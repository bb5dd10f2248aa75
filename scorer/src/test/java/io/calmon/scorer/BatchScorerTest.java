package io.calmon.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.clip.ClipModel;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.serde.AvroLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each kind of input record becomes, without a broker (the tiny golden CLIP). */
class BatchScorerTest {

  private static final Path TINY = Path.of("../src/clip/src/test/resources/golden/tiny");
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final AvroCodec<ImageEvent> EVENTS = AvroCodec.of(ImageEvent.class);
  private static final AvroCodec<DeadLetter> DEAD_LETTERS = AvroCodec.of(DeadLetter.class);

  private static ClipModel clip;
  private static ScoringContext context;

  @TempDir Path dir;
  private long offset;

  @BeforeAll
  static void loadModel() {
    clip = ClipModel.load(TINY);
    context =
        new ScoringContextCompiler(clip, ScorerConfig.DEFAULT_TEMPLATE)
            .zeroShot(new ClassSet("default", 1L, NOW, List.of("cat", "dog")));
  }

  @AfterAll
  static void closeModel() {
    clip.close();
  }

  @AfterEach
  void restoreAvroLimits() {
    AvroLimits.defaults().force();
  }

  private BatchScorer scorer(ScorerConfig.Builder config, int maxRequestBytes) {
    return new BatchScorer(config.build(), clip, Clock.fixed(NOW, ZoneOffset.UTC), maxRequestBytes);
  }

  private static ScorerConfig.Builder config() {
    return ScorerConfig.builder().setBootstrapServers("unused:9092").optInstanceId("s-0");
  }

  @Test
  void shouldDeadLetterEventTimesBeforeNineteenSeventyOrTooFarAheadAndScoreTheRest() {
    byte[] png = ScorerKafka.png(24, 1);
    List<ConsumerRecord<byte[], byte[]>> batch =
        List.of(
            record("past", event("past", NOW.minusSeconds(3600)).setImageBytes(wrap(png))),
            record(
                "negative", event("negative", Instant.ofEpochMilli(-1)).setImageBytes(wrap(png))),
            record(
                "ahead", event("ahead", NOW.plus(Duration.ofMinutes(61))).setImageBytes(wrap(png))),
            record(
                "near", event("near", NOW.plus(Duration.ofMinutes(59))).setImageBytes(wrap(png))));
    Map<String, String> outcomes = outcomes(scorer(config(), 1 << 20).score(batch, context));
    assertEquals(
        Map.of(
            "past", "prediction",
            "negative", "INVALID_TIME",
            "ahead", "EVENT_TIME_IN_FUTURE",
            "near", "prediction"),
        outcomes);
    Map<String, String> skewed =
        outcomes(
            scorer(config().optMaxFutureSkew(Duration.ofHours(2)), 1 << 20).score(batch, context));
    assertEquals("prediction", skewed.get("ahead"), "--max-future-skew 2h accepts it");
  }

  @Test
  void shouldDeadLetterAMissingOrEmptyKeyAndABlankEventId() {
    byte[] png = ScorerKafka.png(24, 2);
    List<ConsumerRecord<byte[], byte[]>> batch =
        List.of(
            new ConsumerRecord<>("image-events", 0, offset++, null, encode(event("a", NOW), png)),
            new ConsumerRecord<>(
                "image-events", 0, offset++, new byte[0], encode(event("b", NOW), png)),
            record(" ", event(" ", NOW).setImageBytes(ByteBuffer.wrap(png))));
    List<BatchScorer.Scored> scored = scorer(config(), 1 << 20).score(batch, context);
    assertEquals(
        List.of("MISSING_KEY", "MISSING_KEY", "MISSING_EVENT_ID"),
        scored.stream().map(BatchScorer.Scored::deadLetterType).toList());
  }

  @Test
  void shouldReadClaimChecksOnlyUnderTheConfiguredRoots() throws Exception {
    Path file = Files.write(dir.resolve("a.png"), ScorerKafka.png(24, 3));
    String uri = file.toUri().toString();
    List<ConsumerRecord<byte[], byte[]>> batch =
        List.of(record("claim", event("claim", NOW).setImageUri(uri)));
    assertEquals(
        "URI_NOT_ALLOWED",
        outcomes(scorer(config(), 1 << 20).score(batch, context)).get("claim"),
        "claim checks are off by default");
    assertEquals(
        "prediction",
        outcomes(scorer(config().optImageRoots(List.of(dir)), 1 << 20).score(batch, context))
            .get("claim"));
  }

  @Test
  void shouldCutAKeptOriginalValueTooLargeForTheProducerAndSaySo() {
    int maxRequest = 256 << 10;
    byte[] garbage = new byte[maxRequest + 1000]; // not Avro: NOT_SINGLE_OBJECT_ENCODING
    byte[] key = "x".repeat(5000).getBytes(StandardCharsets.UTF_8);
    List<BatchScorer.Scored> scored =
        scorer(config(), maxRequest)
            .score(List.of(new ConsumerRecord<>("image-events", 2, 7L, key, garbage)), context);
    byte[] value = scored.get(0).output().value();
    assertTrue(
        value.length + scored.get(0).output().key().length < maxRequest, value.length + " bytes");
    DeadLetter letter = DEAD_LETTERS.decode(value);
    assertEquals("NOT_SINGLE_OBJECT_ENCODING", letter.getErrorType());
    assertTrue(
        letter.getErrorMessage().contains("original value truncated to its first")
            && letter.getErrorMessage().contains("of " + garbage.length + " bytes"),
        letter.getErrorMessage());
    assertTrue(
        letter.getErrorMessage().contains("original key truncated to its first 1024 of 5000"),
        letter.getErrorMessage());
    assertEquals(1024, letter.getOriginalKey().remaining());
    assertTrue(letter.getOriginalValue().remaining() > maxRequest / 2, "a prefix is kept");
    assertEquals(7L, letter.getSourceOffset());
  }

  @Test
  void shouldDeadLetterAnAvroBodyOverTheConfiguredLimits() {
    new AvroLimits(1 << 20, 1 << 10, 10).force();
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 0; i < 11; i++) {
      attributes.put("k" + i, "v");
    }
    byte[] png = ScorerKafka.png(24, 4);
    List<ConsumerRecord<byte[], byte[]>> batch =
        List.of(
            record("items", event("items", NOW).setImageBytes(wrap(png)).setAttributes(attributes)),
            record(
                "string",
                event("string", NOW).setImageBytes(wrap(png)).setSource("s".repeat(1025))),
            record(
                "bytes",
                event("bytes", NOW).setImageBytes(ByteBuffer.wrap(new byte[(1 << 20) + 1]))),
            record("fine", event("fine", NOW).setImageBytes(wrap(png))));
    List<BatchScorer.Scored> scored = scorer(config(), 1 << 20).score(batch, context);
    for (int i = 0; i < 3; i++) {
      DeadLetter letter = DEAD_LETTERS.decode(scored.get(i).output().value());
      assertEquals("CORRUPT_BODY", letter.getErrorType(), letter.getErrorMessage());
      assertTrue(
          letter.getErrorMessage().matches(".*exceeds (the )?maximum allowed.*"),
          letter.getErrorMessage());
    }
    assertTrue(scored.get(3).isPrediction());
  }

  @Test
  void shouldDeadLetterARecordWhoseArrayCountClaimsTwoBillionItems() {
    AvroLimits.defaults().force();
    // The event's attributes map declares 2^31 - 9 entries (the largest Java array), then has one.
    byte[] valid = encode(event("huge", NOW).setAttributes(Map.of("k", "v")), null);
    // The map count is the byte just before the last 5 ("k", "v" as length-prefixed strings,
    // then the 0 ending the map): replace it with the 5-byte zig-zag varint of 2^31 - 9.
    int count = valid.length - 6;
    byte[] varint = {(byte) 0xEE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
    byte[] out = new byte[valid.length + 4];
    System.arraycopy(valid, 0, out, 0, count);
    System.arraycopy(varint, 0, out, count, 5);
    System.arraycopy(valid, count + 1, out, count + 5, valid.length - count - 1);
    List<BatchScorer.Scored> scored =
        scorer(config(), 1 << 20)
            .score(
                List.of(new ConsumerRecord<>("image-events", 0, 0L, "huge".getBytes(), out)),
                context);
    DeadLetter letter = DEAD_LETTERS.decode(scored.get(0).output().value());
    assertEquals("CORRUPT_BODY", letter.getErrorType());
    assertTrue(
        letter.getErrorMessage().matches(".*exceeds (the )?maximum allowed.*"),
        letter.getErrorMessage());
  }

  @Test
  void shouldSkipAnotherDeploymentsEventFromItsHeaderWithoutDecodingTheBody() {
    byte[] png = ScorerKafka.png(24, 3);
    // A body that could not be decoded: if the scorer decoded it, it would dead-letter it.
    ConsumerRecord<byte[], byte[]> elsewhere =
        new ConsumerRecord<>("image-events", 0, offset++, "elsewhere".getBytes(), new byte[] {1});
    elsewhere.headers().add(DeploymentHeader.NAME, "other".getBytes(StandardCharsets.UTF_8));
    // Headers naming this deployment, and none at all (an older producer): the body decides.
    ConsumerRecord<byte[], byte[]> ours =
        record("ours", event("ours", NOW).setDeployment("default").setImageBytes(wrap(png)));
    DeploymentHeader.of("default").forEach(h -> ours.headers().add(h));
    ConsumerRecord<byte[], byte[]> unlabelled =
        record(
            "unlabelled", event("unlabelled", NOW).setDeployment("other").setImageBytes(wrap(png)));

    List<BatchScorer.Scored> scored =
        scorer(config(), 1 << 20).score(List.of(elsewhere, ours, unlabelled), context);

    assertTrue(scored.get(0).skipped(), "no dead letter: " + scored.get(0).deadLetterType());
    assertTrue(scored.get(0).skippedByHeader());
    assertTrue(scored.get(1).isPrediction());
    assertTrue(scored.get(2).skipped());
    assertFalse(scored.get(2).skippedByHeader(), "decoded: it has no header");
  }

  private static Map<String, String> outcomes(List<BatchScorer.Scored> scored) {
    Map<String, String> out = new LinkedHashMap<>();
    for (BatchScorer.Scored s : scored) {
      assertFalse(s.skipped());
      out.put(
          new String(s.input().key(), StandardCharsets.UTF_8),
          s.isPrediction() ? "prediction" : s.deadLetterType());
    }
    return out;
  }

  private ConsumerRecord<byte[], byte[]> record(String key, ImageEvent.Builder event) {
    return new ConsumerRecord<>(
        "image-events",
        0,
        offset++,
        key.getBytes(StandardCharsets.UTF_8),
        EVENTS.encode(event.build()));
  }

  private static byte[] encode(ImageEvent.Builder event, byte[] png) {
    if (png != null) {
      event.setImageBytes(ByteBuffer.wrap(png));
    }
    return EVENTS.encode(event.build());
  }

  private static ImageEvent.Builder event(String id, Instant time) {
    return ImageEvent.newBuilder().setEventId(id).setEventTime(time).setContentType("image/png");
  }

  private static ByteBuffer wrap(byte[] bytes) {
    return ByteBuffer.wrap(bytes);
  }
}
