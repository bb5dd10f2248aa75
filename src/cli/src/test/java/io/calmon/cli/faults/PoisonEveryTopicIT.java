package io.calmon.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.broker.testing.CommittedRecords;
import io.calmon.cli.Calmon;
import io.calmon.cli.CliKafka;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.ClassProbability;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.RetrainRequest;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.world.DefaultModel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every poison kind on every input topic through the operator commands: {@code calmon monitor},
 * {@code calmon scorer} and {@code calmon trainer} run as an operator runs them (in threads of this
 * JVM, each with its metrics endpoint) while world traffic and poison records go in mixed: bytes
 * that are no Avro, null keys, NaN and above-1 confidences, negative and far-future times, an
 * unknown class, Avro bodies claiming huge lengths or counts, a FIFO and {@code /dev/zero} as claim
 * checks, and a PNG whose header claims 10^10 pixels. The scenario runs once; each test checks one
 * promise on its outcome: every command still runs, every good event has exactly one committed
 * prediction, the final reports count exactly the good labelled events, and each poison record is
 * in dead-letters with its reason.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class PoisonEveryTopicIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final Duration WINDOW = Duration.ofSeconds(2);
  private static final Duration STEP = Duration.ofMillis(100);
  private static final Duration LABEL_DELAY = Duration.ofMillis(300);
  private static final int PARTITIONS = 3;
  private static final int EVENTS = 60;
  private static final String PREFIX = "poison-";
  private static final CalmonTopics TOPICS = CalmonTopics.withPrefix(PREFIX);

  /** One poison record as sent, and the reason a dead letter must give for it. */
  private record Poison(String name, String topic, int partition, long offset, String reason) {}

  @TempDir static Path dir;

  private static EmbeddedKafkaBroker broker;
  private static String bootstrap;
  private static final List<OperatorCommand> commands = new ArrayList<>();
  private static final List<Poison> poison = new ArrayList<>();
  private static final Set<String> goodEvents = new HashSet<>();
  private static Instant t0;
  private static WorldFeed feed;
  private static List<DeadLetter> deadLetters;

  @BeforeAll
  static void runTheCommandsOnAMixedStream() throws Exception {
    broker = EmbeddedKafkaBroker.builder().build().start();
    bootstrap = broker.bootstrapServers();
    cli(
        "topics",
        "create",
        "--bootstrap-servers",
        bootstrap,
        "--prefix",
        PREFIX,
        "--partitions",
        "" + PARTITIONS,
        "--replication-factor",
        "1");
    long now = System.currentTimeMillis() - Duration.ofMinutes(5).toMillis();
    t0 = Instant.ofEpochMilli(now / WINDOW.toMillis() * WINDOW.toMillis());
    feed =
        new WorldFeed(bootstrap, KafkaClientConfig.none(), TOPICS, 23, t0, STEP, LABEL_DELAY, 0.8);
    cli(
        "classes",
        "set",
        "--bootstrap-servers",
        bootstrap,
        "--prefix",
        PREFIX,
        String.join(",", feed.classNames()));

    // Signed prompt versions, as in production: poison on prompt-versions meets the checks.
    cli("keys", "generate", "--out", dir.resolve("keys").toString(), "--key-id", "trainer");
    Path fifo = dir.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor(), "mkfifo");
    String roots = dir + ",/dev"; // /dev/zero is under an allowed root, and no regular file
    Path monitorConfig = Files.writeString(dir.resolve("monitor.properties"), "idle-timeout=10m\n");
    String model = DefaultModel.path().toString();
    List<String> common = List.of("--bootstrap-servers", bootstrap, "--prefix", PREFIX);
    commands.add(
        OperatorCommand.start(
            "monitor",
            concat(
                common,
                "--config",
                monitorConfig.toString(),
                "--state-dir",
                dir.resolve("state").toString(),
                "--window-size",
                "2s",
                "--window-advance",
                "2s",
                "--label-delay",
                "1s",
                "--grace",
                "500ms",
                "--bins",
                "10",
                "--alert-groups",
                "none")));
    commands.add(
        OperatorCommand.start(
            "scorer",
            concat(
                common,
                "--model",
                model,
                "--image-roots",
                roots,
                "--instance-id",
                "poison-1",
                "--trusted-keys",
                dir.resolve("keys").toString())));
    commands.add(
        OperatorCommand.start(
            "trainer",
            concat(
                common,
                "--model",
                model,
                "--signing-key",
                dir.resolve("keys/trainer.key").toString(),
                "--image-roots",
                roots,
                "--shots",
                "10000",
                "--min-shots",
                "10000")));
    for (OperatorCommand c : commands) {
      c.awaitRunning(PATIENCE);
    }

    feed.send(0, EVENTS / 2);
    try (KafkaProducer<String, byte[]> producer = CliKafka.producer(bootstrap)) {
      sendPoison(producer, fifo);
    }
    feed.send(EVENTS / 2, EVENTS);
    feed.closeWindows(PARTITIONS, WINDOW.multipliedBy(4));
    goodEvents.addAll(feed.events());
    goodEvents.add("lb-unknown"); // a good image; only its label is poison

    // Everything the monitor reads is in once the closed windows' final reports are.
    FinalReports.assertOnePredictionPerEvent(
        bootstrap, TOPICS.predictions().name(), goodEvents, PATIENCE);
    reportedLabels();
    // The scorer, monitor and trainer have read every poison record of the stream topics by now
    // or soon; the compacted topics' are read at once. A short wait lets the last ones commit.
    Thread.sleep(3000);
    deadLetters =
        CommittedRecords.all(bootstrap, TOPICS.deadLetters().name(), DeadLetter.class, PATIENCE);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    for (int i = commands.size() - 1; i >= 0; i--) {
      commands.get(i).close();
    }
    if (feed != null) {
      feed.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldKeepEveryCommandRunning() {
    for (OperatorCommand c : commands) {
      assertTrue(c.isRunning(), "calmon " + c.name() + " runs (exit code " + c.exitCode() + ")");
    }
  }

  @Test
  void shouldCountExactlyTheGoodLabelledEventsInTheFinalReports() {
    Map<Instant, Long> want = FinalReports.perWindow(feed.labelledTimes(0, EVENTS), 2000);
    assertEquals(want, reportedLabels(), "labelled events per window in the final reports");
  }

  @Test
  void shouldDeadLetterEveryPoisonImageEventWithItsReason() {
    assertDeadLettered(TOPICS.imageEvents().name());
  }

  @Test
  void shouldDeadLetterEveryPoisonPredictionWithItsReason() {
    assertDeadLettered(TOPICS.predictions().name());
  }

  @Test
  void shouldDeadLetterEveryPoisonLabelWithItsReason() {
    assertDeadLettered(TOPICS.labels().name());
  }

  @Test
  void shouldDeadLetterEveryPoisonRetrainRequestWithItsReason() {
    assertDeadLettered(TOPICS.retrainRequests().name());
  }

  @Test
  void shouldDeadLetterEveryPoisonClassSetWithItsReason() {
    assertDeadLettered(TOPICS.classSets().name());
  }

  @Test
  void shouldDeadLetterEveryPoisonPromptVersionWithItsReason() {
    assertDeadLettered(TOPICS.promptVersions().name());
  }

  /** Each poison record of {@code topic} has a dead letter (any service's) with its reason. */
  private static void assertDeadLettered(String topic) {
    Map<String, String> want = new TreeMap<>();
    Map<String, String> got = new TreeMap<>();
    for (Poison p : poison) {
      if (!p.topic().equals(topic)) {
        continue;
      }
      want.put(p.name(), p.reason());
      Set<String> reasons = new java.util.TreeSet<>();
      for (DeadLetter d : deadLetters) {
        if (d.getSourceTopic().equals(topic)
            && d.getSourcePartition() == p.partition()
            && d.getSourceOffset() == p.offset()) {
          reasons.add(d.getErrorType());
        }
      }
      got.put(p.name(), reasons.contains(p.reason()) ? p.reason() : String.join("+", reasons));
    }
    assertTrue(!want.isEmpty(), "no poison was sent to " + topic);
    assertEquals(want, got, "poison record -> dead letter reason on " + topic);
  }

  private static Map<Instant, Long> reportedLabels() {
    Instant end = t0.plus(STEP.multipliedBy(EVENTS));
    Instant lastWindow = Instant.ofEpochMilli((end.toEpochMilli() - 1) / 2000 * 2000);
    return FinalReports.labelledPerWindow(
        bootstrap, TOPICS.calibrationReports().name(), lastWindow, end, PATIENCE);
  }

  // --- the poison ---------------------------------------------------------------------------

  private static void sendPoison(KafkaProducer<String, byte[]> producer, Path fifo)
      throws Exception {
    String images = TOPICS.imageEvents().name();
    Instant at = t0.plusMillis(1550); // inside the traffic's first window
    send(
        producer,
        "garbage",
        images,
        "ie-garbage",
        PoisonBodies.garbage(),
        "NOT_SINGLE_OBJECT_ENCODING");
    send(producer, "null key", images, null, encode(image("ie-nokey", at).build()), "MISSING_KEY");
    send(
        producer,
        "negative time",
        images,
        "ie-negative",
        encode(image("ie-negative", Instant.ofEpochMilli(-5)).build()),
        "INVALID_TIME");
    send(
        producer,
        "far future",
        images,
        "ie-future",
        encode(image("ie-future", Instant.now().plus(Duration.ofDays(2))).build()),
        "EVENT_TIME_IN_FUTURE");
    send(
        producer,
        "a billion attributes",
        images,
        "ie-oversized",
        PoisonBodies.hugeLastCount(encode(image("ie-oversized", at).build())),
        "CORRUPT_BODY");
    for (String[] claim :
        List.of(
            new String[] {"ie-fifo", fifo.toUri().toString(), "UNREADABLE_URI"},
            new String[] {"ie-devzero", "file:///dev/zero", "UNREADABLE_URI"})) {
      ImageEvent e = image(claim[0], at).setImageBytes(null).setImageUri(claim[1]).build();
      send(producer, claim[0], images, claim[0], encode(e), claim[2]);
      label(producer, claim[0], at, feed.classNames().get(0)); // the trainer loads it too
    }
    ImageEvent huge =
        image("ie-hugeheader", at)
            .setImageBytes(ByteBuffer.wrap(PoisonBodies.pngClaiming(100_000, 100_000)))
            .build();
    send(
        producer,
        "PNG header claims 10^10 pixels",
        images,
        "ie-hugeheader",
        encode(huge),
        "IMAGE_TOO_LARGE");
    label(producer, "ie-hugeheader", at, feed.classNames().get(0));

    String predictions = TOPICS.predictions().name();
    send(
        producer,
        "garbage",
        predictions,
        "pr-garbage",
        PoisonBodies.garbage(),
        "NOT_SINGLE_OBJECT_ENCODING");
    send(
        producer,
        "null key",
        predictions,
        null,
        encode(prediction("pr-nokey", at, 0.5)),
        "MISSING_KEY");
    for (Object[] bad :
        List.of(
            new Object[] {"pr-nan", at, Double.NaN, "INVALID_PREDICTION"},
            new Object[] {"pr-above-1", at, 1.5, "INVALID_PREDICTION"},
            new Object[] {"pr-negative", Instant.ofEpochMilli(-5), 0.5, "INVALID_TIME"},
            new Object[] {
              "pr-future", Instant.now().plus(Duration.ofDays(2)), 0.5, "EVENT_TIME_IN_FUTURE"
            })) {
      String id = (String) bad[0];
      send(
          producer,
          id,
          predictions,
          id,
          encode(prediction(id, (Instant) bad[1], (Double) bad[2])),
          (String) bad[3]);
      label(producer, id, at, feed.classNames().get(0)); // counted if the prediction were taken
    }
    send(
        producer,
        "a 1 GiB event id",
        predictions,
        "pr-oversized",
        PoisonBodies.hugeFirstString(encode(prediction("pr-oversized", at, 0.5))),
        "CORRUPT_BODY");

    String labels = TOPICS.labels().name();
    send(
        producer,
        "garbage",
        labels,
        "lb-garbage",
        PoisonBodies.garbage(),
        "NOT_SINGLE_OBJECT_ENCODING");
    send(producer, "null key", labels, null, encode(labelOf("lb-nokey", at, "x")), "MISSING_KEY");
    send(
        producer,
        "negative time",
        labels,
        "lb-negative",
        encode(labelOf("lb-negative", Instant.ofEpochMilli(-5), feed.classNames().get(0))),
        "INVALID_TIME");
    send(
        producer,
        "far future",
        labels,
        "lb-future",
        encode(labelOf("lb-future", Instant.now().plus(Duration.ofDays(2)), "x")),
        "EVENT_TIME_IN_FUTURE");
    // A good image whose label names a class outside the class set.
    feed.flush();
    send(
        producer,
        "good image",
        images,
        "lb-unknown",
        encode(image("lb-unknown", at).build()),
        null);
    send(
        producer,
        "unknown class",
        labels,
        "lb-unknown",
        encode(labelOf("lb-unknown", at.plus(LABEL_DELAY), "unicorn")),
        "UNKNOWN_CLASS");
    send(
        producer,
        "a 1 GiB event id",
        labels,
        "lb-oversized",
        PoisonBodies.hugeFirstString(encode(labelOf("lb-oversized", at, "x"))),
        "CORRUPT_BODY");

    String requests = TOPICS.retrainRequests().name();
    send(
        producer,
        "garbage",
        requests,
        "default",
        PoisonBodies.garbage(),
        "NOT_SINGLE_OBJECT_ENCODING");
    send(producer, "null key", requests, null, encode(request()), "MISSING_KEY");
    send(
        producer,
        "a 1 GiB request id",
        requests,
        "default",
        PoisonBodies.hugeFirstString(encode(request())),
        "CORRUPT_BODY");

    String classSets = TOPICS.classSets().name();
    send(
        producer,
        "garbage",
        classSets,
        "default",
        PoisonBodies.garbage(),
        "NOT_SINGLE_OBJECT_ENCODING");
    // A compacted topic cannot hold a record without a key: the broker refuses it.
    assertRefusedByTheBroker(producer, classSets, encode(feed.classSet()));
    ClassSet empty = ClassSet.newBuilder(feed.classSet()).setClassNames(List.of()).build();
    send(
        producer,
        "a billion class names",
        classSets,
        "default",
        PoisonBodies.hugeLastCount(encode(empty)),
        "CORRUPT_BODY");

    String prompts = TOPICS.promptVersions().name();
    send(
        producer,
        "garbage",
        prompts,
        "default",
        PoisonBodies.garbage(),
        "NOT_SINGLE_OBJECT_ENCODING");
    assertRefusedByTheBroker(producer, prompts, encode(promptVersion()));
    send(
        producer,
        "a 1 GiB deployment name",
        prompts,
        "default",
        PoisonBodies.hugeFirstString(encode(promptVersion())),
        "CORRUPT_BODY");
    producer.flush();
  }

  private static void send(
      KafkaProducer<String, byte[]> producer,
      String name,
      String topic,
      String key,
      byte[] value,
      String reason)
      throws Exception {
    RecordMetadata m = producer.send(new ProducerRecord<>(topic, key, value)).get();
    if (reason != null) {
      poison.add(new Poison(name + " (" + key + ")", topic, m.partition(), m.offset(), reason));
    }
  }

  private static void assertRefusedByTheBroker(
      KafkaProducer<String, byte[]> producer, String topic, byte[] value) throws Exception {
    try {
      producer.send(new ProducerRecord<>(topic, null, value)).get();
      throw new AssertionError("a record without a key was accepted on compacted " + topic);
    } catch (ExecutionException e) {
      assertInstanceOf(InvalidRecordException.class, e.getCause(), topic);
    }
  }

  private static void label(
      KafkaProducer<String, byte[]> producer, String id, Instant at, String trueClass) {
    producer.send(
        new ProducerRecord<>(
            TOPICS.labels().name(), id, encode(labelOf(id, at.plus(LABEL_DELAY), trueClass))));
  }

  private static ImageEvent.Builder image(String id, Instant at) {
    return ImageEvent.newBuilder()
        .setEventId(id)
        .setEventTime(at)
        .setDeployment(WorldFeed.DEPLOYMENT)
        .setImageBytes(ByteBuffer.wrap(PoisonBodies.pngClaiming(8, 8)))
        .setContentType("image/png");
  }

  private static Prediction prediction(String id, Instant at, double confidence) {
    String cls = feed.classNames().get(0);
    return Prediction.newBuilder()
        .setEventId(id)
        .setEventTime(at)
        .setScoredAt(Instant.now())
        .setDeployment(WorldFeed.DEPLOYMENT)
        .setPromptVersion(0)
        .setClassSetVersion(1)
        .setPredictedClass(cls)
        .setConfidence(confidence)
        .setGroup(CalibrationGroup.NEW)
        .setTopK(List.of(new ClassProbability(cls, confidence)))
        .setEntropy(0.1)
        .setSumSquaredProbability(0.25)
        .setScorerId("outside")
        .build();
  }

  private static Label labelOf(String id, Instant at, String trueClass) {
    return Label.newBuilder()
        .setEventId(id)
        .setTrueClass(trueClass)
        .setLabelledAt(at)
        .setDeployment(WorldFeed.DEPLOYMENT)
        .build();
  }

  private static RetrainRequest request() {
    return RetrainRequest.newBuilder()
        .setRequestId(UUID.randomUUID())
        .setDeployment(WorldFeed.DEPLOYMENT)
        .setRequestedAt(Instant.now())
        .setCurrentPromptVersion(0)
        .setReason("poison test")
        .build();
  }

  private static PromptVersion promptVersion() {
    return PromptVersion.newBuilder()
        .setDeployment(WorldFeed.DEPLOYMENT)
        .setVersion(7)
        .setCreatedAt(Instant.now())
        .setMethod("coop")
        .setHyperParameters(Map.of())
        .setMetrics(Map.of())
        .setBackboneId("calmon-world-tiny")
        .setWeightsSha256("0".repeat(64))
        .setTemplate("a photo of a {}.")
        .setNCtx(1)
        .setCtxDim(1)
        .setContextVectors(List.of(0f))
        .setBaseClasses(List.of())
        .build();
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> byte[] encode(T record) {
    return AvroCodec.of((Class<T>) record.getClass()).encode(record);
  }

  private static void cli(String... args) {
    int code = Calmon.commandLine().execute(args);
    assertEquals(0, code, "calmon " + String.join(" ", args));
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }
}
