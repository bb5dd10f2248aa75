package io.calmon.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.broker.testing.CommittedRecords;
import io.calmon.core.calibration.ExpectedCalibrationError;
import io.calmon.core.calibration.TopLabelRows;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.TopicAdmin;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.ClassProbability;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.RetrainRequest;
import io.calmon.service.LayeredConfig;
import io.calmon.service.testing.BinderMetricNames;
import io.calmon.service.testing.ScrapedMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor service on a real embedded broker, with small windows: 2 s tumbling windows, labels
 * up to 1 s late plus 500 ms grace, so a window [s, s+2s) is final once the watermark passes
 * s+3.5s. Event times lie a minute in the past; record timestamps are event times (predictions) and
 * label times (labels). A window closes once the watermark of both inputs has passed its close.
 */
class MonitorServiceIT {

  /** Patience for asynchronous outcomes; a passing run needs a small fraction of it. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private static EmbeddedKafkaBroker broker;

  /**
   * The broker under test: the embedded one here, a container in {@link MonitorServiceContainerIT}.
   */
  static String bootstrap;

  @TempDir Path stateDir;

  private final List<MonitorService> services = new ArrayList<>();
  private KafkaProducer<String, byte[]> producer;
  private CalmonTopics topics;
  private Instant t0;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder().build().start();
    bootstrap = broker.bootstrapServers();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  private void setUp(TestInfo test) {
    topics = CalmonTopics.withPrefix(test.getTestMethod().orElseThrow().getName() + "-");
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap, PATIENCE)) {
      admin.createAll(topics, 1, (short) 1);
    }
    producer = producer(bootstrap);
    long windowMillis = 2000;
    t0 = Instant.ofEpochMilli((System.currentTimeMillis() - 60_000) / windowMillis * windowMillis);
  }

  @AfterEach
  void tearDown() {
    services.forEach(MonitorService::stop);
    if (producer != null) {
      producer.close();
    }
  }

  private MonitorService start(Map<String, Object> flags) {
    LayeredConfig.Builder config =
        MonitorSettings.definitions()
            .flag("bootstrap-servers", bootstrap)
            .flag("prefix", topics.prefix())
            .flag("state-dir", stateDir.toString())
            .flag("window-size", "2s")
            .flag("window-advance", "2s")
            .flag("label-delay", "1s")
            .flag("grace", "500ms")
            .flag("bins", 10);
    flags.forEach(config::flag);
    MonitorService service = new MonitorService(MonitorSettings.from(config.build()));
    services.add(service);
    return service.start();
  }

  @Test
  void shouldEmitTheBatchEceExactlyAndSendGarbageToDeadLettersWhileRunning(TestInfo test)
      throws Exception {
    setUp(test);
    MonitorService service = start(Map.of());
    assertEquals(
        "calmon-monitor-" + test.getTestMethod().orElseThrow().getName(),
        service.settings().applicationId());

    double[] confidences = {0.95, 0.91, 0.85, 0.72, 0.66, 0.55, 0.45, 0.99, 0.88, 0.61, 0.30, 0.77};
    boolean[] correct = {
      true, false, true, true, false, true, false, true, true, false, true, true
    };
    send(topics.predictions().name(), "garbage", "not avro".getBytes(StandardCharsets.UTF_8), t0);
    for (int i = 0; i < confidences.length; i++) {
      Instant eventTime = t0.plusMillis(150L * i);
      String predicted = correct[i] ? "cat" : "dog";
      sendPrediction(prediction("e" + i, eventTime, predicted, confidences[i], 3));
      sendLabel("e" + i, "cat", eventTime.plusMillis(400));
    }
    producer.flush();
    await(() -> service.counters().labels() == confidences.length, "all labels processed");
    // The watermark (of predictions and labels) moves past the window's end + label delay + grace.
    tick(t0.plusMillis(5000));
    producer.flush();

    CalibrationReport all =
        read(
            topics.calibrationReports().name(),
            CalibrationReport.class,
            r ->
                r.getFinal$() && r.getGroup() == CalibrationGroup.ALL && r.getPromptVersion() == 3);
    double batch = ExpectedCalibrationError.of(new TopLabelRows(confidences, correct), 10);
    assertEquals(batch, all.getEce(), 1e-12);
    assertEquals(confidences.length, all.getLabelledCount());
    assertEquals(t0, all.getWindowStart());

    DeadLetter dead =
        read(topics.deadLetters().name(), DeadLetter.class, d -> d.getSourceOffset() == 0);
    assertEquals("NOT_SINGLE_OBJECT_ENCODING", dead.getErrorType());
    assertEquals(topics.predictions().name(), dead.getSourceTopic());
    assertEquals("not avro", StandardCharsets.UTF_8.decode(dead.getOriginalValue()).toString());
    assertEquals(1, service.counters().deadLetters());
    assertEquals(KafkaStreams.State.RUNNING, service.state());

    assertEquals(batch, service.latestFinalEce("default", 3, ReportGroup.ALL), 1e-12);
    String text = service.metrics().render();
    Map<String, String> metrics = ScrapedMetrics.parse(text);
    assertEquals("1", metrics.get("calmon_monitor_dead_letters_total"), text);
    assertEquals(
        Integer.toString(confidences.length + 2),
        metrics.get("calmon_monitor_predictions_total"),
        text);
    assertTrue(
        metrics.containsKey(
            "calmon_monitor_final_ece{deployment=\"default\",group=\"all\",prompt_version=\"3\"}"),
        text);
    assertEquals("1", metrics.get("calmon_monitor_running"), text);
    // The Kafka Streams client's metrics, its consumers' lag among them, on the same registry.
    assertTrue(
        ScrapedMetrics.seriesNames(text, BinderMetricNames.KAFKA_CONSUMER_RECORDS_LAG_MAX).stream()
            .anyMatch(n -> n.startsWith(BinderMetricNames.KAFKA_CONSUMER_RECORDS_LAG_MAX + "{")),
        text);
    assertTrue(text.contains("client_id=\"" + service.settings().applicationId()), text);
  }

  @Test
  void shouldAlertAndRequestRetrainingForOverconfidentNewClasses(TestInfo test) throws Exception {
    setUp(test);
    MonitorService service =
        start(
            Map.of(
                "alert-groups", "new",
                "ece-threshold", "0.1",
                "min-labelled", "10",
                "consecutive-windows", "2",
                "cooldown", "0s"));
    // Two windows of new-class predictions at 95% confidence, right half the time: ECE 0.45.
    int perWindow = 12;
    for (int w = 0; w < 2; w++) {
      for (int i = 0; i < perWindow; i++) {
        String id = "w" + w + "-" + i;
        Instant eventTime = t0.plusMillis(2000L * w + 150L * i);
        sendPrediction(prediction(id, eventTime, "cat", 0.95, 3));
        sendLabel(id, i % 2 == 0 ? "cat" : "dog", eventTime.plusMillis(300));
      }
    }
    producer.flush();
    await(() -> service.counters().labels() == 2 * perWindow, "all labels processed");
    tick(t0.plusMillis(8000));
    producer.flush();

    Alert alert = read(topics.calibrationAlerts().name(), Alert.class, a -> true);
    assertEquals(CalibrationGroup.NEW, alert.getGroup());
    assertEquals(0.45, alert.getObserved(), 1e-9);
    assertEquals(2, alert.getEvidence().size());
    RetrainRequest request = read(topics.retrainRequests().name(), RetrainRequest.class, r -> true);
    assertEquals(alert.getAlertId(), request.getAlertId());
    assertEquals(3, request.getCurrentPromptVersion());
    assertEquals(
        "1", ScrapedMetrics.parse(service.metrics().render()).get("calmon_monitor_alerts_total"));
  }

  @Test
  void shouldSurviveAGarbageClassSetAndUseTheNextGoodOne(TestInfo test) throws Exception {
    setUp(test);
    MonitorService service = start(Map.of());
    send(topics.classSets().name(), "default", "garbage".getBytes(StandardCharsets.UTF_8), t0);
    ClassSet classes =
        ClassSet.newBuilder()
            .setDeployment("default")
            .setVersion(1)
            .setCreatedAt(t0)
            .setClassNames(List.of("cat", "dog"))
            .build();
    send(
        topics.classSets().name(),
        "default",
        AvroSerde.of(ClassSet.class).serialize(null, classes),
        t0.plusMillis(1));
    producer.flush();
    // A label outside the class set is refused once the good class set is loaded.
    DeadLetter dead = null;
    for (int attempt = 0;
        dead == null && attempt < 600 && service.state() == KafkaStreams.State.RUNNING;
        attempt++) {
      sendLabel("u" + attempt, "unicorn", t0.plusMillis(attempt));
      producer.flush();
      Thread.sleep(100);
      // One dead letter is the skipped class set itself (counted, not written to the topic).
      if (service.counters().deadLetters() >= 2) {
        dead = read(topics.deadLetters().name(), DeadLetter.class, d -> true);
      }
    }
    assertEquals(KafkaStreams.State.RUNNING, service.state(), "a garbage class set stopped it");
    assertTrue(dead != null, "the good class set was never used");
    assertEquals("UNKNOWN_CLASS", dead.getErrorType());
    assertEquals(KafkaStreams.State.RUNNING, service.state());
  }

  private static KafkaProducer<String, byte[]> producer(String servers) {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  // --- helpers --------------------------------------------------------------------------------

  private static Prediction prediction(
      String id, Instant eventTime, String predicted, double confidence, long version) {
    return Prediction.newBuilder()
        .setEventId(id)
        .setEventTime(eventTime)
        .setScoredAt(eventTime)
        .setPromptVersion(version)
        .setClassSetVersion(1)
        .setPredictedClass(predicted)
        .setConfidence(confidence)
        .setGroup(CalibrationGroup.NEW)
        .setTopK(List.of(new ClassProbability(predicted, confidence)))
        .setEntropy(0.1)
        .setScorerId("it")
        .build();
  }

  private void sendPrediction(Prediction p) {
    send(
        topics.predictions().name(),
        p.getEventId(),
        AvroSerde.of(Prediction.class).serialize(null, p),
        p.getEventTime());
  }

  /** A prediction of another prompt version and its label at {@code at}: moves the watermark. */
  private void tick(Instant at) {
    sendPrediction(prediction("tick", at, "cat", 0.5, 99));
    sendLabel("tick", "cat", at);
  }

  private void sendLabel(String id, String trueClass, Instant at) {
    Label label =
        Label.newBuilder().setEventId(id).setTrueClass(trueClass).setLabelledAt(at).build();
    send(topics.labels().name(), id, AvroSerde.of(Label.class).serialize(null, label), at);
  }

  private void send(String topic, String key, byte[] value, Instant timestamp) {
    producer.send(new ProducerRecord<>(topic, null, timestamp.toEpochMilli(), key, value));
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + PATIENCE + ": " + what);
      }
      Thread.sleep(50);
    }
  }

  /** The first committed record of {@code topic} that matches, waiting up to the patience. */
  private static <T extends SpecificRecord> T read(
      String topic, Class<T> type, Predicate<T> wanted) {
    return CommittedRecords.first(bootstrap, topic, type, wanted, PATIENCE);
  }
}
