package io.calmon.scorer;

import static io.calmon.scorer.ScorerKafka.await;
import static io.calmon.scorer.ScorerKafka.png;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.clip.ClipModel;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.service.testing.BinderMetricNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scorer on a real (embedded) broker with the tiny golden CLIP. */
class ScorerServiceIT {

  private static final Path TINY = Path.of("../clip/src/test/resources/golden/tiny");
  private static final List<String> CLASSES = List.of("cat", "dog", "bird", "car");
  private static final AvroCodec<Prediction> PREDICTIONS = AvroCodec.of(Prediction.class);
  private static final AvroCodec<DeadLetter> DEAD_LETTERS = AvroCodec.of(DeadLetter.class);

  private static EmbeddedKafkaBroker broker;
  private static ClipModel clip;

  /**
   * The broker under test: the embedded one here, a container in {@link ScorerServiceContainerIT}.
   */
  static String bootstrap;

  @TempDir Path tmp;

  @BeforeAll
  static void loadModel() {
    clip = ClipModel.load(TINY);
  }

  @BeforeAll
  static void startBroker() {
    broker =
        EmbeddedKafkaBroker.builder()
            .optBrokerProperties(ScorerKafka.BROKER_PROPERTIES)
            .build()
            .start();
    bootstrap = broker.bootstrapServers();
  }

  @AfterAll
  static void closeModel() {
    if (clip != null) {
      clip.close();
    }
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private ScorerConfig.Builder config(ScorerKafka kafka, String deployment, String id) {
    return ScorerConfig.builder()
        .setBootstrapServers(kafka.bootstrap)
        .optTopics(kafka.topics)
        .optDeployment(deployment)
        .optInstanceId(id)
        .optBatchSize(4)
        .optMaxWait(Duration.ofMillis(20))
        .optMaxPixels(48 * 48)
        .optImageRoots(List.of(tmp));
  }

  @Test
  void shouldScoreOncePerEventDeadLetterBadOnesAndHotSwapPromptVersions() throws Exception {
    try (ScorerKafka kafka = new ScorerKafka(bootstrap)) {
      kafka.publishClassSet("shop", 1, CLASSES);
      List<String> good = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        kafka.sendImage("shop", "zs-" + i, png(32 + 2 * i, i), i);
        good.add("zs-" + i);
      }
      Path file = tmp.resolve("claim-check.png");
      Files.write(file, png(40, 99));
      kafka.sendUri("shop", "zs-file", file.toUri().toString(), 6);
      good.add("zs-file");
      byte[] valid = png(32, 7);
      kafka.sendImage("shop", "bad-corrupt", java.util.Arrays.copyOf(valid, valid.length / 2), 7);
      kafka.send(
          kafka.topics.imageEvents().name(),
          "bad-garbage",
          "not avro".getBytes(StandardCharsets.UTF_8));
      kafka.sendImage("shop", "bad-huge", png(64, 8), 8);
      kafka.sendUri("shop", "bad-missing", tmp.resolve("nope.png").toUri().toString(), 9);
      kafka.sendImage("elsewhere", "other-deployment", png(32, 10), 10);

      int metricsPort = MetricsScrape.freePort();
      ScorerService a =
          new ScorerService(config(kafka, "shop", "s-0").optMetricsPort(metricsPort).build(), clip)
              .start();
      assertEquals(metricsPort, a.metricsPort());
      int metricsPortB = MetricsScrape.freePort();
      ScorerService b =
          new ScorerService(config(kafka, "shop", "s-1").optMetricsPort(metricsPortB).build(), clip)
              .start();
      List<ScorerService> scorers = List.of(a, b);
      await(
          "zero-shot predictions",
          () -> predicted(scorers) == good.size() && deadLettered(scorers) == 4);

      // A prompt version tuned on other weights is refused; the zero-shot prompt stays live.
      kafka.send(kafka.topics.promptVersions().name(), "shop", prompt(5, "0".repeat(64), 32));
      await(
          "the wrong-weights prompt refused",
          () ->
              scorers.stream().allMatch(s -> s.metrics().promptsRefused("WEIGHTS_MISMATCH") == 1));
      // So is one whose context does not fit the text encoder's width.
      kafka.send(kafka.topics.promptVersions().name(), "shop", prompt(6, sha(), 31));
      await(
          "the wrong-shape prompt refused",
          () -> scorers.stream().allMatch(s -> s.metrics().promptsRefused("CONTEXT_SHAPE") == 1));
      // Whoever can write prompt-versions cannot serve a version of their own: neither an
      // unsigned one nor a signed one altered afterwards (both numbered above the good one below,
      // which would be ignored as stale had either been taken in).
      kafka.send(
          kafka.topics.promptVersions().name(),
          "shop",
          AvroCodec.of(PromptVersion.class).encode(ScorerKafka.unsignedPrompt(clip, 7, sha(), 32)));
      PromptVersion signed = AvroCodec.of(PromptVersion.class).decode(prompt(8, sha(), 32));
      kafka.send(
          kafka.topics.promptVersions().name(),
          "shop",
          AvroCodec.of(PromptVersion.class)
              .encode(PromptVersion.newBuilder(signed).setTemperature(0.01).build()));
      await(
          "the unsigned and the altered prompt refused",
          () ->
              scorers.stream()
                  .allMatch(
                      s ->
                          s.metrics().promptsRefused("UNSIGNED") == 1
                              && s.metrics().promptsRefused("BAD_SIGNATURE") == 1));
      assertTrue(scorers.stream().allMatch(s -> s.metrics().promptVersion() == 0));
      kafka.sendImage("shop", "still-zs", png(32, 11), 11);
      good.add("still-zs");
      await("the event after the refusal", () -> predicted(scorers) == good.size());

      // A good one is swapped in without a restart.
      kafka.send(kafka.topics.promptVersions().name(), "shop", prompt(2, sha(), 32));
      await(
          "prompt version 2 live",
          () -> scorers.stream().allMatch(s -> s.metrics().promptVersion() == 2));
      List<String> tuned = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        kafka.sendImage("shop", "v2-" + i, png(32, 100 + i), 20 + i);
        tuned.add("v2-" + i);
      }
      good.addAll(tuned);
      await("tuned predictions", () -> predicted(scorers) == good.size());

      // What Prometheus would scrape: 16 predictions, 4 dead letters, 1 event of another
      // deployment, 4 refusals, version 2 of the prompt on version 1 of the class set.
      // Each instance serves its own share; per-instance facts (the versions served, the
      // refusals, which every instance sees) are checked on each, counts on their sum.
      Map<String, String> scrapedA = MetricsScrape.scrape(metricsPort);
      Map<String, String> scrapedB = MetricsScrape.scrape(metricsPortB);
      java.util.function.Function<String, String> sum =
          key ->
              ""
                  + (Long.parseLong(scrapedA.getOrDefault(key, "0"))
                      + Long.parseLong(scrapedB.getOrDefault(key, "0")));
      int events = good.size() + 4 + 1;
      assertEquals("" + events, sum.apply("calmon_scorer_events_in_total"));
      assertEquals("1", sum.apply("calmon_scorer_events_skipped_total"));
      assertEquals("1", sum.apply("calmon_scorer_events_skipped_by_header_total"), "not decoded");
      assertEquals("" + good.size(), sum.apply("calmon_scorer_predictions_out_total"));
      for (String reason :
          List.of(
              "CORRUPT_IMAGE", "NOT_SINGLE_OBJECT_ENCODING", "IMAGE_TOO_LARGE", "UNREADABLE_URI")) {
        assertEquals(
            "1", sum.apply("calmon_scorer_dead_letters_total{reason=\"" + reason + "\"}"), reason);
      }
      for (Map<String, String> scraped : List.of(scrapedA, scrapedB)) {
        for (String reason :
            List.of("WEIGHTS_MISMATCH", "CONTEXT_SHAPE", "UNSIGNED", "BAD_SIGNATURE")) {
          assertEquals(
              "1",
              scraped.get("calmon_scorer_prompt_versions_refused_total{reason=\"" + reason + "\"}"),
              reason);
        }
        assertEquals("2", scraped.get("calmon_scorer_prompt_version"));
        assertEquals("1", scraped.get("calmon_scorer_class_set_version"));
        assertEquals("1", scraped.get("calmon_scorer_running"));
      }
      assertEquals("" + events, sum.apply("calmon_scorer_batch_size_sum"));
      assertEquals(
          "" + (a.metrics().batches() + b.metrics().batches()),
          sum.apply("calmon_scorer_batch_size_count"));
      assertEquals("" + good.size(), sum.apply("calmon_scorer_event_to_prediction_seconds_count"));
      assertEquals(
          "1", scrapedA.get("calmon_scorer_info{deployment=\"shop\",instance_id=\"s-0\"}"));
      assertEquals(
          "1", scrapedB.get("calmon_scorer_info{deployment=\"shop\",instance_id=\"s-1\"}"));
      // The Kafka clients' metrics: each instance's consumer lag and its producer's sends, under
      // the client id both share (the transactional id).
      String lag = BinderMetricNames.KAFKA_CONSUMER_RECORDS_LAG_MAX;
      for (String instance : List.of("s-0", "s-1")) {
        String clientId = "client_id=\"" + ScorerConfig.transactionalIdPrefix("shop") + instance;
        Map<String, String> scraped = instance.equals("s-0") ? scrapedA : scrapedB;
        assertTrue(
            scraped.keySet().stream().anyMatch(k -> k.startsWith(lag + "{" + clientId + "\"")),
            "scraped: " + scraped.keySet());
        assertTrue(
            scraped.keySet().stream()
                .anyMatch(k -> k.startsWith("kafka_producer_record_send_total{" + clientId + "\"")),
            "scraped: " + scraped.keySet());
      }
      a.close();
      assertEquals(-1, a.metricsPort(), "the endpoint closes with the scorer");
      b.close();
      assertNull(a.failure());
      assertNull(b.failure());

      List<ConsumerRecord<String, byte[]>> records =
          kafka.readAll(kafka.topics.predictions().name(), good.size());
      Map<String, Prediction> byId = new TreeMap<>();
      for (ConsumerRecord<String, byte[]> r : records) {
        Prediction p = PREDICTIONS.decode(r.value());
        assertEquals(r.key(), p.getEventId());
        assertEquals(p.getEventTime().toEpochMilli(), r.timestamp(), "record time = event time");
        assertNull(byId.put(p.getEventId(), p), "duplicate prediction for " + p.getEventId());
      }
      assertEquals(Set.copyOf(good), byId.keySet());
      for (String id : good) {
        Prediction p = byId.get(id);
        boolean isTuned = tuned.contains(id);
        assertEquals(isTuned ? 2 : 0, p.getPromptVersion(), id);
        assertEquals(1, p.getClassSetVersion());
        assertEquals(4, p.getTopK().size());
        assertEquals(p.getConfidence(), p.getTopK().get(0).getProbability(), 1e-12);
        assertEquals(4, p.getClassProbabilities().size());
        boolean base = isTuned && Set.of("cat", "dog", "bird").contains(p.getPredictedClass());
        assertEquals(base ? CalibrationGroup.BASE : CalibrationGroup.NEW, p.getGroup(), id);
      }
      assertTrue(
          tuned.stream().anyMatch(id -> byId.get(id).getGroup() == CalibrationGroup.BASE),
          "some tuned prediction falls in a base class");

      Map<String, String> letters =
          kafka.readAll(kafka.topics.deadLetters().name(), 4).stream()
              .map(r -> DEAD_LETTERS.decode(r.value()))
              .collect(
                  Collectors.toMap(
                      d -> new String(d.getOriginalKey().array(), StandardCharsets.UTF_8),
                      DeadLetter::getErrorType));
      assertEquals(
          Map.of(
              "bad-corrupt", "CORRUPT_IMAGE",
              "bad-garbage", "NOT_SINGLE_OBJECT_ENCODING",
              "bad-huge", "IMAGE_TOO_LARGE",
              "bad-missing", "UNREADABLE_URI"),
          letters);
      assertEquals(4, a.metrics().deadLetters() + b.metrics().deadLetters());
      assertTrue(a.metrics().largestBatch() <= 4 && b.metrics().largestBatch() <= 4);
    }
  }

  @Test
  void shouldProduceExactlyOnePredictionPerEventAcrossACrash() throws Exception {
    try (ScorerKafka kafka = new ScorerKafka(bootstrap)) {
      int events = publishAndSend(kafka, "crash", 24);
      // The first batch commits; the second is sent but its commit never happens. A zero commit
      // interval: one transaction per micro-batch.
      ScorerService crashing =
          new ScorerService(
              config(kafka, "crash", "s-0").optCommitInterval(Duration.ZERO).build(),
              clip,
              batch -> {
                if (batch == 2) {
                  throw new ScorerService.SimulatedCrash("after sending batch 2");
                }
              });
      crashing.start();
      await("the crash", () -> !crashing.isRunning());
      crashing.close();
      long committedBeforeCrash = crashing.metrics().predictionsOut();
      // Batch 1 committed (up to 4 events: a batch may close early on max wait); batch 2 did not.
      assertTrue(committedBeforeCrash >= 1 && committedBeforeCrash <= 4, "" + committedBeforeCrash);

      ScorerService restarted =
          new ScorerService(config(kafka, "crash", "s-0").build(), clip).start();
      kafka.readAll(kafka.topics.predictions().name(), events); // waits until all are visible
      restarted.close();
      assertNull(restarted.failure());
      assertEquals(events - committedBeforeCrash, restarted.metrics().predictionsOut());

      List<String> ids =
          kafka.readAll(kafka.topics.predictions().name(), events).stream()
              .map(ConsumerRecord::key)
              .toList();
      assertEquals(events, ids.size(), "one prediction per event, none duplicated: " + ids);
      assertEquals(events, Set.copyOf(ids).size());
      assertFalse(restarted.isRunning());
    }
  }

  /**
   * One transaction spans every micro-batch of its commit interval: with an interval longer than
   * the test, all 24 events are scored (6 or more batches of at most 4) and nothing is visible yet.
   * The graceful stop commits them, and crashes there (records and offsets sent, no commit, no
   * abort); the restarted instance (same id, so its open transaction is aborted at once) scores
   * every event again, each exactly once.
   */
  @Test
  void shouldCommitSeveralMicroBatchesInOneTransactionAndExactlyOnceAcrossACrash()
      throws Exception {
    try (ScorerKafka kafka = new ScorerKafka(bootstrap)) {
      int events = publishAndSend(kafka, "long", 24);
      ScorerService crashing =
          new ScorerService(
              config(kafka, "long", "s-0")
                  .optCommitInterval(Duration.ofSeconds(30))
                  .optTransactionTimeout(Duration.ofSeconds(60))
                  .build(),
              clip,
              transaction -> {
                throw new ScorerService.SimulatedCrash("at the commit of " + transaction);
              });
      crashing.start();
      await(
          "every event scored",
          () ->
              crashing.metrics().snapshot().get("calmon_scorer_batch_size_sum").longValue()
                  == events);
      assertTrue(crashing.metrics().batches() >= events / 4, "" + crashing.metrics().batches());
      assertEquals(0, crashing.metrics().transactions(), "one transaction, still open");
      assertEquals(0, crashing.metrics().predictionsOut());
      crashing.close();
      assertEquals(0, crashing.metrics().predictionsOut(), "its commit crashed");

      ScorerService restarted =
          new ScorerService(config(kafka, "long", "s-0").build(), clip).start();
      kafka.readAll(kafka.topics.predictions().name(), events); // waits until all are visible
      restarted.close();
      assertNull(restarted.failure());
      assertEquals(events, restarted.metrics().predictionsOut());
      List<String> ids =
          kafka.readAll(kafka.topics.predictions().name(), events).stream()
              .map(ConsumerRecord::key)
              .toList();
      assertEquals(events, ids.size(), "one prediction per event, none duplicated: " + ids);
      assertEquals(events, Set.copyOf(ids).size());
    }
  }

  /** A prompt-version reader that dies stops the scorer: no stale prompt is served. */
  @Test
  void shouldStopScoringWhenThePromptReaderDies() throws Exception {
    try (ScorerKafka kafka = new ScorerKafka(bootstrap)) {
      int events = publishAndSend(kafka, "reader", 4);
      ScorerService scorer =
          new ScorerService(config(kafka, "reader", "s-0").build(), clip).start();
      kafka.readAll(kafka.topics.predictions().name(), events);
      scorer.livePrompt().wakeUpReader();
      await("the scorer stops", () -> !scorer.isRunning());
      scorer.close();
      assertTrue(
          scorer.failure() instanceof ScorerService.PromptReaderFailed, "" + scorer.failure());
      assertTrue(
          scorer.failure().getMessage().startsWith("the prompt-version reader stopped ("),
          scorer.failure().getMessage());
    }
  }

  /**
   * A process that takes the scorer's transactional id (a zombie, or what the broker does when a
   * transaction outlives its timeout) fences its producer: the scorer re-creates it, reads its
   * partitions again from the committed offsets and goes on; every event has one committed
   * prediction.
   */
  @Test
  void shouldReCreateAFencedProducerAndScoreEveryEventOnce() throws Exception {
    try (ScorerKafka kafka = new ScorerKafka(bootstrap)) {
      int before = publishAndSend(kafka, "fence", 8);
      ScorerConfig config = config(kafka, "fence", "s-0").build();
      ScorerService scorer = new ScorerService(config, clip).start();
      kafka.readAll(kafka.topics.predictions().name(), before);
      java.util.Properties p = new java.util.Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("transactional.id", config.transactionalId());
      try (var zombie =
          new org.apache.kafka.clients.producer.KafkaProducer<>(
              p,
              new org.apache.kafka.common.serialization.ByteArraySerializer(),
              new org.apache.kafka.common.serialization.ByteArraySerializer())) {
        zombie.initTransactions();
      }
      int events = 16;
      for (int i = before; i < events; i++) {
        kafka.sendImage("fence", "e-" + i, png(32, i), i);
      }
      List<String> ids =
          kafka.readAll(kafka.topics.predictions().name(), events).stream()
              .map(ConsumerRecord::key)
              .toList();
      await("the producer re-created", () -> scorer.metrics().producersRecreated() == 1);
      assertTrue(scorer.isRunning(), "still running: " + scorer.failure());
      scorer.close();
      assertNull(scorer.failure());
      assertEquals(events, ids.size(), "one prediction per event, none duplicated: " + ids);
      assertEquals(events, Set.copyOf(ids).size());
    }
  }

  /**
   * Poison that passes the scorer's checks but not the broker's: an event 2 h ahead, accepted by
   * {@code --max-future-skew 3h}, whose prediction the broker refuses (its timestamp is more than
   * {@code log.message.timestamp.after.max.ms}, 1 h, ahead). Its batch fails, is retried, then
   * committed record by record; the poison is dead-lettered alone and its partition moves on. A
   * commit interval of 5 s puts every batch in the first transaction, so the records retried and
   * isolated are those of several micro-batches. An event before 1970 and one without a key are
   * dead-lettered before anything is sent.
   */
  @Test
  void shouldDeadLetterPoisonAloneAndScoreTheRestOfItsBatch() throws Exception {
    try (ScorerKafka kafka = new ScorerKafka(bootstrap)) {
      kafka.publishClassSet("poison", 1, CLASSES);
      List<String> good = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        kafka.sendImage("poison", "p-" + i, png(32, i), i);
        good.add("p-" + i);
      }
      String events = kafka.topics.imageEvents().name();
      kafka.send(events, "ahead", poisonEvent("ahead", Instant.now().plus(Duration.ofHours(2))));
      kafka.send(events, "before-1970", poisonEvent("before-1970", Instant.ofEpochMilli(-5)));
      kafka.send(events, null, poisonEvent("no-key", ScorerKafka.eventTime(9)));
      for (int i = 10; i < 14; i++) {
        kafka.sendImage("poison", "p-" + i, png(32, i), i);
        good.add("p-" + i);
      }

      ScorerService scorer =
          new ScorerService(
                  config(kafka, "poison", "s-0")
                      .optMaxFutureSkew(Duration.ofHours(3))
                      .optCommitInterval(Duration.ofSeconds(5))
                      .build(),
                  clip)
              .start();
      await(
          "every event committed",
          () -> scorer.metrics().eventsIn() == good.size() + 3 || !scorer.isRunning());
      assertTrue(scorer.isRunning(), "the scorer goes on: " + scorer.failure());
      scorer.close();
      assertNull(scorer.failure());

      Set<String> predicted =
          kafka.readAll(kafka.topics.predictions().name(), good.size()).stream()
              .map(ConsumerRecord::key)
              .collect(Collectors.toSet());
      assertEquals(Set.copyOf(good), predicted);
      Map<String, DeadLetter> letters =
          kafka.readAll(kafka.topics.deadLetters().name(), 3).stream()
              .map(r -> DEAD_LETTERS.decode(r.value()))
              .collect(
                  Collectors.toMap(
                      d ->
                          d.getOriginalKey() == null
                              ? "(no key)"
                              : new String(d.getOriginalKey().array(), StandardCharsets.UTF_8),
                      d -> d));
      assertEquals(
          Map.of(
              "ahead", "SEND_FAILED",
              "before-1970", "INVALID_TIME",
              "(no key)", "MISSING_KEY"),
          letters.entrySet().stream()
              .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getErrorType())));
      assertEquals(1, scorer.metrics().deadLetters("SEND_FAILED"));
      assertTrue(
          scorer.metrics().snapshot().get("calmon_scorer_transactions_aborted_total").longValue()
              >= 3);
    }
  }

  /** Publishes a class set for {@code deployment}, then sends it {@code n} events e-0, e-1... */
  private static int publishAndSend(ScorerKafka kafka, String deployment, int n) {
    kafka.publishClassSet(deployment, 1, CLASSES);
    for (int i = 0; i < n; i++) {
      kafka.sendImage(deployment, "e-" + i, png(32, i), i);
    }
    return n;
  }

  private static byte[] poisonEvent(String id, Instant eventTime) {
    return ScorerKafka.EVENTS.encode(
        io.calmon.schemas.ImageEvent.newBuilder()
            .setEventId(id)
            .setEventTime(eventTime)
            .setDeployment("poison")
            .setImageBytes(java.nio.ByteBuffer.wrap(png(32, 99)))
            .build());
  }

  private static long predicted(List<ScorerService> scorers) {
    return scorers.stream().mapToLong(s -> s.metrics().predictionsOut()).sum();
  }

  private static long deadLettered(List<ScorerService> scorers) {
    return scorers.stream().mapToLong(s -> s.metrics().deadLetters()).sum();
  }

  private static String sha() {
    return clip.weightsSha256().orElseThrow();
  }

  /** A prompt version with CoOp's "a photo of a" context, declared {@code ctxDim} wide. */
  private static byte[] prompt(long version, String sha, int ctxDim) {
    return ScorerKafka.prompt(clip, version, sha, ctxDim);
  }
}
