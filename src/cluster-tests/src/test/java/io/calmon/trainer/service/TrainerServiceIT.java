package io.calmon.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.clip.ClipModel;
import io.calmon.kafka.CalmonTopic;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.TopicAdmin;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Label;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.RetrainRequest;
import io.calmon.schemas.signing.KeyFiles;
import io.calmon.schemas.signing.PromptCheck;
import io.calmon.schemas.signing.SigningKey;
import io.calmon.schemas.signing.TrustedKeys;
import io.calmon.service.testing.BinderMetricNames;
import io.calmon.service.testing.ScrapedMetrics;
import io.calmon.tuning.TuningConfig;
import io.calmon.tuning.TuningMethod;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer service on the embedded broker with the tiny golden CLIP (on a container in {@link
 * TrainerServiceContainerIT}).
 */
class TrainerServiceIT {
  private static final Path TINY = Path.of("../clip/src/test/resources/golden/tiny");
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Map<String, Color> CLASSES =
      Map.of("cat", Color.RED, "dog", Color.BLUE, "bird", Color.GREEN);

  private static EmbeddedKafkaBroker broker;
  private static ClipModel clip;
  private static KafkaProducer<String, byte[]> producer;

  /**
   * The broker under test: the embedded one here, a container in {@link TrainerServiceContainerIT}.
   */
  static String bootstrap;

  @TempDir static Path dir;

  @BeforeAll
  static void loadModel() throws IOException {
    clip = ClipModel.load(TINY);
    Files.writeString(dir.resolve("outliers.txt"), "tree\nhouse\nflower\nfish\napple\ncar\nship\n");
  }

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder().build().start();
    bootstrap = broker.bootstrapServers();
  }

  @AfterAll
  static void closeModel() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
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

  /** The tests' producer, connected on first use: whichever broker a subclass started. */
  private static KafkaProducer<String, byte[]> producer() {
    if (producer == null) {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      producer = new KafkaProducer<>(p);
    }
    return producer;
  }

  @Test
  void shouldPublishAVersionPerAcceptedRequestAndIgnoreADuplicate(@TempDir Path keys)
      throws Exception {
    CalmonTopics topics = topics("t-retrain-");
    KeyFiles.generate(keys, "trainer-it");
    TrustedKeys trusted = TrustedKeys.read(keys);
    // "tree" is served but never labelled: no automatic version 1 from the reservoir.
    send(topics.classSets(), classSet(List.of("cat", "dog", "bird", "tree")));
    produceLabelledImages(topics, 10, 0);
    int metricsPort = freePort();
    // Version 1 by CoOp alone for 3 epochs, every later version by the configured CoOp + DOR (2).
    TrainerSettings settings =
        builder(topics)
            .optMetricsPort(metricsPort)
            .optInitialMethod(TuningMethod.parse("coop"))
            .optInitialEpochs(3)
            .optSigningKey(SigningKey.read(keys.resolve("trainer-it.key")))
            .build();
    try (TrainerService trainer = new TrainerService(settings, clip).start()) {
      assertEquals(metricsPort, trainer.metricsPort());
      assertTrue(trainer.awaitReady(WAIT), "ready: " + trainer.failure());
      awaitTrue(() -> trainer.counters().eventsJoined() == 30, trainer);
      String first = UUID.randomUUID().toString();
      send(topics.retrainRequests(), request(first, 0));
      PromptVersion v1 = awaitVersion(topics, 1, trainer);
      assertNull(v1.getParentVersion());
      assertEquals("coop", v1.getMethod());
      assertEquals("3", v1.getHyperParameters().get("epochs"));
      assertEquals(first, v1.getTriggerId());
      assertEquals(List.of("bird", "cat", "dog"), v1.getBaseClasses().stream().sorted().toList());
      assertTrue(v1.getMetrics().get("heldout_n") > 0, "held-out examples: " + v1.getMetrics());
      // How far the context moved the text features: base (bird, cat, dog) and new (tree).
      assertTrue(v1.getMetrics().get("text_base_deviation") > 0, "" + v1.getMetrics());
      assertTrue(v1.getMetrics().get("text_base_divergence_ratio") > 0, "" + v1.getMetrics());
      assertTrue(v1.getMetrics().get("text_new_deviation") > 0, "" + v1.getMetrics());
      assertFalse(
          v1.getMetrics().containsKey("text_new_divergence_ratio"), "one new class has no pairs");
      assertTrue(v1.getTemperature() > 0);
      // Signed over what was published: a scorer trusting the public key serves it.
      assertEquals("trainer-it", v1.getSigningKeyId());
      assertEquals(PromptCheck.SIGNED, trusted.check(v1));

      send(topics.retrainRequests(), request(first, 0));
      awaitTrue(() -> trainer.counters().retrainsDeduped() == 1, trainer);
      String second = UUID.randomUUID().toString();
      send(topics.retrainRequests(), request(second, 1));
      PromptVersion v2 = awaitVersion(topics, 2, trainer);
      assertEquals(1L, v2.getParentVersion());
      assertEquals("coop+dor", v2.getMethod());
      assertEquals("2", v2.getHyperParameters().get("epochs"));
      assertEquals(second, v2.getTriggerId());
      assertEquals(PromptCheck.SIGNED, trusted.check(v2));
      assertEquals(PromptCheck.UNKNOWN_KEY, TrustedKeys.inProcess().check(v2));
      assertEquals(2, trainer.counters().versionsPublished());
      assertEquals(2, trainer.counters().retrainsAccepted());
      assertEquals(1, trainer.counters().retrainsDeduped());

      // What Prometheus would scrape: three requests, one a duplicate, two versions published,
      // every class's reservoir full (4 shots) and ready (min shots 2).
      Map<String, String> scraped = ScrapedMetrics.scrape(metricsPort);
      assertEquals("3", scraped.get("calmon_trainer_retrain_requests_total"));
      assertEquals(
          "1", scraped.get("calmon_trainer_retrain_requests_skipped_total{reason=\"duplicate\"}"));
      assertEquals(
          "0", scraped.get("calmon_trainer_retrain_requests_skipped_total{reason=\"cooldown\"}"));
      assertEquals(
          "0",
          scraped.get("calmon_trainer_retrain_requests_skipped_total{reason=\"in_progress\"}"));
      assertEquals("2", scraped.get("calmon_trainer_retrains_accepted_total"));
      assertEquals("0", scraped.get("calmon_trainer_retrains_rejected_total"));
      assertEquals("2", scraped.get("calmon_trainer_versions_published_total"));
      assertEquals("2", scraped.get("calmon_trainer_prompt_version"));
      for (String c : CLASSES.keySet()) {
        assertEquals("4", scraped.get("calmon_trainer_reservoir_shots{class=\"" + c + "\"}"), c);
      }
      assertEquals("3", scraped.get("calmon_trainer_classes_ready"));
      double seconds =
          Double.parseDouble(scraped.get("calmon_trainer_last_training_duration_seconds"));
      assertTrue(seconds > 0 && Double.isFinite(seconds), "last training took " + seconds);
      assertEquals("1", scraped.get("calmon_trainer_running"));
      assertEquals("1", scraped.get("calmon_trainer_info{deployment=\"default\"}"));
      // The Kafka clients' metrics: the group consumer's lag and the transactional producer's.
      String lag = BinderMetricNames.KAFKA_CONSUMER_RECORDS_LAG_MAX;
      assertTrue(
          scraped.keySet().stream().anyMatch(k -> k.startsWith(lag + "{client_id=\"consumer-")),
          "scraped: " + scraped.keySet());
      assertTrue(
          scraped.keySet().stream()
              .anyMatch(
                  k ->
                      k.startsWith("kafka_producer_record_send_total{")
                          && k.contains("client_id=\"producer-" + settings.transactionalId())),
          "scraped: " + scraped.keySet());
    }
  }

  @Test
  void shouldRetrainOnlyOnTheServedVersionsBaseClassesAndServeItAsTunedWhenTold() throws Exception {
    CalmonTopics topics = topics("t-base-only-");
    send(topics.classSets(), classSet(List.of("cat", "dog", "bird", "tree")));
    produceLabelledImages(topics, List.of("cat", "dog"), 10, 0);
    TrainerSettings settings =
        builder(topics)
            .optRetrainClasses(TrainerSettings.RetrainClasses.VERSION_BASE)
            .optPosthocTemperature(false)
            .build();
    try (TrainerService trainer = new TrainerService(settings, clip).start()) {
      assertTrue(trainer.awaitReady(WAIT), "ready: " + trainer.failure());
      awaitTrue(() -> trainer.counters().eventsJoined() == 20, trainer);
      send(topics.retrainRequests(), request(UUID.randomUUID().toString(), 0));
      PromptVersion v1 = awaitVersion(topics, 1, trainer);
      assertEquals(List.of("cat", "dog"), v1.getBaseClasses().stream().sorted().toList());
      assertEquals(1.0, v1.getTemperature());
      assertEquals("none", v1.getHyperParameters().get("posthoc_temperature"));

      // The operator moves the class set to classes v1 never saw, and their labels arrive.
      send(topics.classSets(), classSet(2, List.of("bird", "tree")));
      awaitTrue(() -> trainer.classSetVersion() == 2, trainer);
      produceLabelledImages(topics, List.of("bird"), 10, 100);
      // Late labels of events scored under class set 1: learned, not refused as unknown.
      produceLabelledImages(topics, List.of("cat"), 5, 200);
      awaitTrue(() -> trainer.counters().eventsJoined() == 35, trainer);
      send(topics.retrainRequests(), request(UUID.randomUUID().toString(), 1));
      PromptVersion v2 = awaitVersion(topics, 2, trainer);
      // Tuned on v1's base classes alone: bird has its shots but is not learned.
      assertEquals(List.of("cat", "dog"), v2.getBaseClasses().stream().sorted().toList());
      assertEquals(1.0, v2.getTemperature());
      assertEquals(0, trainer.counters().classSetsPublished(), "the operator's class set is kept");
      assertEquals(2, trainer.classSetVersion());
      assertEquals(8.0, v2.getMetrics().get("train_examples"), "4 shots x 2 classes");
      // Judged over what scorers serve now: bird's held-out examples only, not cat's.
      long birdsHeldOut = 0;
      for (int i = 0; i < 10; i++) {
        birdsHeldOut +=
            HeldOutBuffer.isHeldOut("bird-" + (100 + i), settings.tuning().seed(), 5) ? 1 : 0;
      }
      assertEquals(
          birdsHeldOut - birdsHeldOut / 2,
          v2.getMetrics().get("heldout_n").longValue(),
          "" + v2.getMetrics());
    }
  }

  @Test
  void shouldCountRequestsInsideTheCooldownAsCooledDown() throws Exception {
    CalmonTopics topics = topics("t-cooldown-");
    send(topics.classSets(), classSet(List.of("cat", "dog", "bird", "tree")));
    produceLabelledImages(topics, 10, 200);
    TrainerSettings settings = builder(topics).optCooldown(Duration.ofDays(1)).build();
    try (TrainerService trainer = new TrainerService(settings, clip).start()) {
      assertTrue(trainer.awaitReady(WAIT), "ready: " + trainer.failure());
      awaitTrue(() -> trainer.counters().eventsJoined() == 30, trainer);
      send(topics.retrainRequests(), request(UUID.randomUUID().toString(), 0));
      awaitTrue(() -> trainer.counters().versionsPublished() == 1, trainer);
      // The run is over: a new request is turned away by the cooldown, not the run in progress.
      send(topics.retrainRequests(), request(UUID.randomUUID().toString(), 1));
      // The request is counted on arrival and its skip a moment later: wait for the skip (reading
      // it as soon as the request count reached 2 failed once in CI).
      awaitTrue(() -> trainer.counters().retrainsDeduped() == 1, trainer);
      assertEquals(2, trainer.counters().retrainRequests());
      assertEquals(1, trainer.counters().retrainsSkipped(TrainerCounters.Skip.COOLDOWN));
      assertEquals(0, trainer.counters().retrainsSkipped(TrainerCounters.Skip.DUPLICATE));
      assertEquals(1, trainer.counters().retrainsAccepted());
    }
  }

  @Test
  void shouldJudgeARepairOnlyOnHeldOutExamplesNewerThanItsEvidence() throws Exception {
    CalmonTopics topics = topics("t-evidence-");
    send(topics.classSets(), classSet(List.of("cat", "dog", "bird", "tree")));
    produceLabelledImages(topics, 20, 400);
    TrainerSettings settings =
        builder(topics).optMinJudged(2).optEvidenceWait(Duration.ofDays(1)).build();
    try (TrainerService trainer = new TrainerService(settings, clip).start()) {
      assertTrue(trainer.awaitReady(WAIT), "ready: " + trainer.failure());
      awaitTrue(() -> trainer.counters().eventsJoined() == 60, trainer);
      // The alert's evidence starts after every event so far: none of them may judge the repair.
      Instant evidence = Instant.now().plusMillis(50).truncatedTo(ChronoUnit.MILLIS);
      send(
          topics.retrainRequests(),
          RetrainRequest.newBuilder(request(UUID.randomUUID().toString(), 0))
              .setEvidenceFrom(evidence)
              .build());
      awaitTrue(() -> trainer.counters().retrainWaiting() == 1, trainer);
      assertEquals(1, trainer.counters().retrainsAccepted());
      Thread.sleep(100);
      produceLabelledImages(topics, 10, 500);
      PromptVersion v1 = awaitVersion(topics, 1, trainer);
      assertEquals(0, trainer.counters().retrainWaiting());
      assertEquals("evidence start " + evidence, v1.getHyperParameters().get("heldout_from"));
      // Without a key file, the settings' default key: one made for this JVM.
      assertEquals(PromptCheck.SIGNED, TrustedKeys.inProcess().check(v1));
      // Which events are held out is a pure function of their ids: the judge half is half of the
      // held-out examples of the new events only (rounded down).
      long seed = settings.tuning().seed();
      long judgedNew = judgeHalf(500, 10, seed, settings.heldOutOneIn());
      long judgedAll = judgeHalf(400, 20, seed, settings.heldOutOneIn()) + judgedNew;
      assertTrue(judgedNew >= 2 && judgedAll > judgedNew, judgedNew + " of " + judgedAll);
      assertEquals(judgedNew, v1.getMetrics().get("heldout_n").longValue(), "" + v1.getMetrics());
    }
  }

  /** Held-out examples of {@link #produceLabelledImages}'s batch, halved (the judge half). */
  private static long judgeHalf(int idBase, int n, long seed, int oneIn) {
    long held = 0;
    for (String c : List.of("cat", "dog", "bird")) {
      for (int i = 0; i < n; i++) {
        held += HeldOutBuffer.isHeldOut(c + "-" + (idBase + i), seed, oneIn) ? 1 : 0;
      }
    }
    return held / 2;
  }

  @Test
  void shouldRestoreTheReservoirFromTheStateTopicAfterARestart() throws Exception {
    CalmonTopics topics = topics("t-restart-");
    send(topics.classSets(), classSet(List.of("cat", "dog", "bird", "tree")));
    produceLabelledImages(topics, 8, 100);
    long examples;
    long heldOut;
    try (TrainerService trainer = new TrainerService(settings(topics), clip).start()) {
      assertTrue(trainer.awaitReady(WAIT), "ready: " + trainer.failure());
      awaitTrue(() -> trainer.counters().eventsJoined() == 24, trainer);
      stopAndWait(trainer);
      examples = trainer.counters().reservoirExamples();
      heldOut = trainer.counters().heldOutExamples();
    }
    assertTrue(examples > 0);
    try (TrainerService restarted = new TrainerService(settings(topics), clip).start()) {
      assertTrue(restarted.awaitReady(WAIT), "ready: " + restarted.failure());
      // Read back from trainer-state before any event is polled (the offsets were committed).
      assertEquals(examples, restarted.counters().reservoirExamples());
      assertEquals(3, restarted.counters().reservoirClasses());
      assertEquals(heldOut, restarted.counters().heldOutExamples());
      assertEquals(0, restarted.counters().eventsJoined());
    }
  }

  /**
   * A labelled image the scorer would refuse (corrupt, or a claim check outside the allowed roots)
   * is skipped, counted and dead-lettered with the scorer's reason; the trainer goes on learning.
   */
  @Test
  void shouldSkipCountAndDeadLetterABadLabelledImageAndGoOn() throws Exception {
    CalmonTopics topics = topics("t-badimage-");
    send(topics.classSets(), classSet(List.of("cat", "dog", "bird", "tree")));
    byte[] valid = png(Color.RED, new Random(1));
    Map<String, ImageEvent.Builder> bad =
        Map.of(
            "bad-corrupt",
            ImageEvent.newBuilder()
                .setImageBytes(ByteBuffer.wrap(java.util.Arrays.copyOf(valid, valid.length / 2))),
            "bad-uri",
            ImageEvent.newBuilder().setImageUri(dir.resolve("outliers.txt").toUri().toString()));
    for (Map.Entry<String, ImageEvent.Builder> e : bad.entrySet()) {
      String id = e.getKey();
      send(
          topics.imageEvents(),
          id,
          e.getValue()
              .setEventId(id)
              .setEventTime(Instant.now())
              .setContentType("image/png")
              .build());
      send(
          topics.labels(),
          id,
          Label.newBuilder()
              .setEventId(id)
              .setTrueClass("cat")
              .setLabelledAt(Instant.now())
              .build());
    }
    // Labels the class set does not know, or that name no class: refused, not learned.
    for (Map.Entry<String, String> e :
        Map.of("bad-class", "unicorn", "blank-class", " ").entrySet()) {
      send(
          topics.labels(),
          e.getKey(),
          Label.newBuilder()
              .setEventId(e.getKey())
              .setTrueClass(e.getValue())
              .setLabelledAt(Instant.now())
              .build());
    }
    produceLabelledImages(topics, 2, 300);
    try (TrainerService trainer = new TrainerService(settings(topics), clip).start()) {
      assertTrue(trainer.awaitReady(WAIT), "ready: " + trainer.failure());
      awaitTrue(() -> trainer.counters().eventsJoined() == 8, trainer);
      awaitTrue(() -> trainer.counters().examplesEncoded() == 6, trainer);
      awaitTrue(() -> trainer.counters().badRecords() == 4, trainer);
      assertTrue(trainer.isRunning(), "still running: " + trainer.failure());
    }
    assertEquals(
        Map.of(
            "bad-corrupt", "CORRUPT_IMAGE",
            "bad-uri", "URI_NOT_ALLOWED",
            "bad-class", "UNKNOWN_CLASS",
            "blank-class", "INVALID_LABEL"),
        deadLetterTypes(topics, 4));
  }

  /**
   * The trainer killed between the write of a prompt version and its commit: the restarted trainer
   * answers the same request again, so a read_committed reader sees exactly one version for it, and
   * an image that waited for its label before the crash is joined when the label comes after.
   */
  @Test
  void shouldPublishOneVersionPerRequestAndKeepPendingJoinsAcrossACrashBeforeTheCommit()
      throws Exception {
    CalmonTopics topics = topics("t-crash-");
    send(topics.classSets(), classSet(List.of("cat", "dog", "bird", "tree")));
    produceLabelledImages(topics, 10, 600);
    send(topics.imageEvents(), "waiting-1", image("waiting-1", Color.RED, new Random(7)));
    String request = UUID.randomUUID().toString();
    TrainerService.CommitHook crashOnVersion =
        (transaction, promptVersions) -> {
          if (promptVersions > 0) {
            throw new TrainerService.SimulatedCrash("after writing a prompt version");
          }
        };
    try (TrainerService crashing =
        new TrainerService(settings(topics), clip, crashOnVersion).start()) {
      assertTrue(crashing.awaitReady(WAIT), "ready: " + crashing.failure());
      awaitTrue(() -> crashing.counters().eventsJoined() == 30, crashing);
      send(topics.retrainRequests(), request(request, 0));
      awaitTrue(() -> !crashing.isRunning(), crashing);
      assertNull(crashing.failure());
      assertEquals(0, crashing.counters().versionsPublished());
    }
    try (TrainerService restarted = new TrainerService(settings(topics), clip).start()) {
      assertTrue(restarted.awaitReady(WAIT), "ready: " + restarted.failure());
      awaitTrue(() -> restarted.counters().versionsPublished() == 1, restarted);
      send(
          topics.labels(),
          "waiting-1",
          Label.newBuilder()
              .setEventId("waiting-1")
              .setTrueClass("cat")
              .setLabelledAt(Instant.now())
              .build());
      // Only the waiting image's pair is new: pairs read before the crash are not learned twice.
      awaitTrue(() -> restarted.counters().eventsJoined() == 1, restarted);
      assertEquals(1, restarted.counters().retrainRequests());
      assertEquals(1, restarted.currentVersion().orElseThrow().getVersion());
    }
    // The aborted version is in the log, but only the committed one is read.
    assertEquals(List.of(1L, 1L), versionsOf(topics, "read_uncommitted", 2));
    assertOneCommittedVersion(topics, request);
  }

  /**
   * A failed transaction (here the commit of the one that publishes a version) leaves nothing
   * behind: the trainer reads its committed state again, answers the request again and publishes
   * version 1 once, not version 2 after a lost version 1.
   */
  @Test
  void shouldRollBackAFailedTransactionAndPublishTheVersionOnce() throws Exception {
    CalmonTopics topics = topics("t-abort-");
    send(topics.classSets(), classSet(List.of("cat", "dog", "bird", "tree")));
    produceLabelledImages(topics, 10, 700);
    AtomicInteger failures = new AtomicInteger();
    TrainerService.CommitHook failOnce =
        (transaction, promptVersions) -> {
          if (promptVersions > 0 && failures.getAndIncrement() == 0) {
            throw new KafkaException("injected: the commit of a prompt version failed");
          }
        };
    String request = UUID.randomUUID().toString();
    try (TrainerService trainer = new TrainerService(settings(topics), clip, failOnce).start()) {
      assertTrue(trainer.awaitReady(WAIT), "ready: " + trainer.failure());
      awaitTrue(() -> trainer.counters().eventsJoined() == 30, trainer);
      send(topics.retrainRequests(), request(request, 0));
      awaitTrue(() -> trainer.counters().versionsPublished() == 1, trainer);
      assertEquals(1, trainer.counters().transactionsFailed());
      assertEquals(1, trainer.currentVersion().orElseThrow().getVersion());
      assertTrue(trainer.isRunning());
    }
    assertOneCommittedVersion(topics, request);
  }

  /** A read_committed reader sees exactly one prompt version, version 1, triggered by request. */
  private static void assertOneCommittedVersion(CalmonTopics topics, String request) {
    List<PromptVersion> committed = promptVersions(topics, "read_committed", 1);
    assertEquals(1, committed.size(), "committed versions: " + committed);
    assertEquals(1, committed.get(0).getVersion());
    assertEquals(request, committed.get(0).getTriggerId());
  }

  /** A second trainer of the same deployment fences the first, which stops instead of looping. */
  @Test
  void shouldStopTheFirstTrainerOfADeploymentWhenASecondOneStarts() throws Exception {
    CalmonTopics topics = topics("t-fence-");
    send(topics.classSets(), classSet(List.of("cat", "dog", "bird", "tree")));
    produceLabelledImages(topics, 2, 800);
    try (TrainerService first = new TrainerService(settings(topics), clip).start()) {
      assertTrue(first.awaitReady(WAIT), "ready: " + first.failure());
      awaitTrue(() -> first.counters().eventsJoined() == 6, first);
      try (TrainerService second = new TrainerService(settings(topics), clip).start()) {
        assertTrue(second.awaitReady(WAIT), "ready: " + second.failure());
        produceLabelledImages(topics, 2, 810);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (first.isRunning() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertFalse(first.isRunning(), "the first trainer still runs");
        assertInstanceOf(ProducerFencedException.class, first.failure());
        awaitTrue(() -> second.counters().eventsJoined() >= 6, second);
        assertTrue(second.isRunning(), "second: " + second.failure());
      }
    }
  }

  /** Prompt versions on the topic as a reader with {@code isolation} sees them. */
  private static List<PromptVersion> promptVersions(CalmonTopics topics, String isolation, int n) {
    AvroSerde<PromptVersion> serde = AvroSerde.of(PromptVersion.class);
    List<PromptVersion> seen = new ArrayList<>();
    Properties p = new Properties();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    try (KafkaConsumer<String, byte[]> c = reader(p)) {
      TopicPartition tp = new TopicPartition(topics.promptVersions().name(), 0);
      List<TopicPartition> all =
          c.partitionsFor(tp.topic()).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .toList();
      c.assign(all);
      c.seekToBeginning(all);
      Map<TopicPartition, Long> ends = c.endOffsets(all);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline
          && (seen.size() < n || all.stream().anyMatch(t -> c.position(t) < ends.get(t)))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          seen.add(serde.deserialize(r.topic(), r.value()));
        }
      }
    }
    return seen;
  }

  private static List<Long> versionsOf(CalmonTopics topics, String isolation, int n) {
    return promptVersions(topics, isolation, n).stream().map(PromptVersion::getVersion).toList();
  }

  /** A reader of a topic from its beginning, in a group of its own. */
  private static KafkaConsumer<String, byte[]> reader() {
    return reader(new Properties());
  }

  private static KafkaConsumer<String, byte[]> reader(Properties extra) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.putAll(extra);
    return new KafkaConsumer<>(p);
  }

  /** Event id -> error type of the first {@code n} dead letters. */
  private static Map<String, String> deadLetterTypes(CalmonTopics topics, int n) {
    AvroSerde<DeadLetter> serde = AvroSerde.of(DeadLetter.class);
    Map<String, String> types = new java.util.TreeMap<>();
    try (KafkaConsumer<String, byte[]> c = reader()) {
      c.subscribe(List.of(topics.deadLetters().name()));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (types.size() < n && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          types.put(r.key(), serde.deserialize(r.topic(), r.value()).getErrorType());
        }
      }
    }
    return types;
  }

  /** Closing persists the last batch and commits its offsets; the counters show the final state. */
  private static void stopAndWait(TrainerService trainer) {
    trainer.close();
  }

  private static TrainerSettings settings(CalmonTopics topics) {
    return builder(topics).build();
  }

  private static TrainerSettings.Builder builder(CalmonTopics topics) {
    TuningConfig tuning =
        TuningConfig.defaults(TuningMethod.parse("coop+dor")).toBuilder()
            // The tiny model's word-level tokenizer splits on spaces only: "house." is unknown.
            .template("a photo of a {} .")
            .epochs(2)
            .batchSize(4)
            .lr(0.01)
            .build();
    return TrainerSettings.builder()
        .setBootstrapServers(bootstrap)
        .setBackboneId("golden-tiny")
        .optTopics(topics)
        .optTuning(tuning)
        .optShots(4)
        .optMinShots(2)
        .optCooldown(Duration.ZERO)
        .optOutliers(dir.resolve("outliers.txt"))
        .optOutlierPoolSize(5)
        .optMaxAccuracyDrop(1)
        .optMaxEceRise(1)
        .optMinJudged(0)
        .optPollTimeout(Duration.ofMillis(100));
  }

  /** A port free at this moment, for a service whose port 0 means "off". */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static CalmonTopics topics(String prefix) throws Exception {
    CalmonTopics topics = CalmonTopics.withPrefix(prefix);
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap, WAIT)) {
      admin.createAll(topics, 2, (short) 1);
    }
    return topics;
  }

  /** Per class, {@code n} images; labels go first for every other event. */
  private static void produceLabelledImages(CalmonTopics topics, int n, int idBase)
      throws IOException {
    produceLabelledImages(topics, List.of("cat", "dog", "bird"), n, idBase);
  }

  private static void produceLabelledImages(
      CalmonTopics topics, List<String> classes, int n, int idBase) throws IOException {
    Random rng = new Random(idBase);
    for (String c : classes) {
      for (int i = 0; i < n; i++) {
        String id = c + "-" + (idBase + i);
        ImageEvent image = image(id, CLASSES.get(c), rng);
        Label label =
            Label.newBuilder().setEventId(id).setTrueClass(c).setLabelledAt(Instant.now()).build();
        if (i % 2 == 0) {
          send(topics.labels(), id, label);
          send(topics.imageEvents(), id, image);
        } else {
          send(topics.imageEvents(), id, image);
          send(topics.labels(), id, label);
        }
      }
    }
    producer().flush();
  }

  private static ImageEvent image(String id, Color color, Random rng) throws IOException {
    return ImageEvent.newBuilder()
        .setEventId(id)
        .setEventTime(Instant.now())
        .setImageBytes(ByteBuffer.wrap(png(color, rng)))
        .setContentType("image/png")
        .build();
  }

  private static byte[] png(Color color, Random rng) throws IOException {
    BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 32, 32);
    g.setColor(color);
    g.fillOval(rng.nextInt(8), rng.nextInt(8), 16 + rng.nextInt(8), 16 + rng.nextInt(8));
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static ClassSet classSet(List<String> names) {
    return classSet(1, names);
  }

  private static ClassSet classSet(long version, List<String> names) {
    return ClassSet.newBuilder()
        .setDeployment("default")
        .setVersion(version)
        .setCreatedAt(Instant.now())
        .setClassNames(names)
        .build();
  }

  private static RetrainRequest request(String id, long current) {
    return RetrainRequest.newBuilder()
        .setRequestId(UUID.fromString(id))
        .setDeployment("default")
        .setRequestedAt(Instant.now())
        .setCurrentPromptVersion(current)
        .setReason("test")
        .build();
  }

  private static void send(CalmonTopic topic, ClassSet value) {
    send(topic, value.getDeployment(), value);
  }

  private static void send(CalmonTopic topic, RetrainRequest value) {
    send(topic, value.getDeployment(), value);
  }

  private static <T extends SpecificRecord> void send(CalmonTopic topic, String key, T value) {
    @SuppressWarnings("unchecked")
    Class<T> type = (Class<T>) value.getClass();
    producer()
        .send(
            new ProducerRecord<>(
                topic.name(), key, AvroSerde.of(type).serialize(topic.name(), value)));
    producer().flush();
  }

  private static PromptVersion awaitVersion(
      CalmonTopics topics, long version, TrainerService trainer) {
    AvroSerde<PromptVersion> serde = AvroSerde.of(PromptVersion.class);
    List<Long> seen = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = reader()) {
      c.subscribe(List.of(topics.promptVersions().name()));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline && trainer.failure() == null) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          PromptVersion v = serde.deserialize(r.topic(), r.value());
          seen.add(v.getVersion());
          if (v.getVersion() == version) {
            return v;
          }
        }
      }
    }
    throw new AssertionError(
        "no prompt version "
            + version
            + " within "
            + WAIT
            + "; saw "
            + seen
            + "; counters "
            + trainer.counters().snapshot(),
        trainer.failure());
  }

  private static void awaitTrue(BooleanSupplier condition, TrainerService trainer)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline || trainer.failure() != null) {
        throw new AssertionError(
            "condition not met; counters " + trainer.counters().snapshot(), trainer.failure());
      }
      Thread.sleep(50);
    }
  }
}
