package io.calmon.monitor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.core.calibration.ExpectedCalibrationError;
import io.calmon.core.calibration.TopLabelRows;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.monitor.MonitorConfig;
import io.calmon.monitor.ReportGroup;
import io.calmon.monitor.alerting.ConfidenceLiftRule;
import io.calmon.monitor.alerting.EceAlertRule;
import io.calmon.monitor.alerting.TextDivergenceRule;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationGrouping;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.ClassProbability;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.RetrainRequest;
import io.calmon.schemas.TextShift;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.state.PendingJoin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The monitor topology on {@link TopologyTestDriver}, with explicit record timestamps. Windows are
 * 10 minutes, labels may take 2 minutes plus 1 minute grace: a window [0, 10) is final once stream
 * time reaches 13 minutes.
 */
class MonitorTopologyTest {
  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  private static final List<String> CLASSES = List.of("red circle", "blue square", "green star");

  private final CalmonTopics topics = CalmonTopics.standard();
  private final MonitorCounters counters = new MonitorCounters();
  private final List<KeyValue<String, CalibrationReport>> readReports = new ArrayList<>();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> predictions;
  private TestInputTopic<String, byte[]> labels;
  private TestOutputTopic<String, CalibrationReport> reports;
  private TestOutputTopic<String, Alert> alerts;
  private TestOutputTopic<String, RetrainRequest> retrains;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  /** The topology tests' configuration (shared with {@link WindowMergerTest}). */
  static MonitorConfig config() {
    return new MonitorConfig(
        Duration.ofMinutes(10),
        Duration.ofMinutes(10),
        Duration.ofMinutes(2),
        Duration.ofMinutes(1),
        10,
        20,
        200,
        Duration.ofMinutes(5),
        Duration.ofHours(1),
        Duration.ofSeconds(1),
        Map.of(ReportGroup.NEW, new EceAlertRule(0.05, 20, 2, Duration.ofMinutes(30), false)),
        TextDivergenceRule.defaults(),
        ConfidenceLiftRule.defaults());
  }

  @BeforeEach
  void start() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "monitor-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver =
        new TopologyTestDriver(
            MonitorTopology.build(config(), topics, counters), props, T0.plus(Duration.ofDays(1)));
    predictions =
        driver.createInputTopic(
            topics.predictions().name(),
            Serdes.String().serializer(),
            Serdes.ByteArray().serializer());
    labels =
        driver.createInputTopic(
            topics.labels().name(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
    reports = output(topics.calibrationReports().name(), CalibrationReport.class);
    alerts = output(topics.calibrationAlerts().name(), Alert.class);
    retrains = output(topics.retrainRequests().name(), RetrainRequest.class);
    deadLetters = output(topics.deadLetters().name(), DeadLetter.class);
    publishClassSet(1, CLASSES, T0);
  }

  private void publishClassSet(long version, List<String> classes, Instant at) {
    driver
        .createInputTopic(
            topics.classSets().name(),
            Serdes.String().serializer(),
            AvroSerde.of(ClassSet.class).serializer())
        .pipeInput(
            "default",
            ClassSet.newBuilder()
                .setDeployment("default")
                .setVersion(version)
                .setCreatedAt(at)
                .setClassNames(classes)
                .build(),
            at);
  }

  private <T extends org.apache.avro.specific.SpecificRecord> TestOutputTopic<String, T> output(
      String topic, Class<T> type) {
    return driver.createOutputTopic(
        topic, Serdes.String().deserializer(), AvroSerde.of(type).deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void shouldReportTheBatchEceOfDelayedLabelsExactlyInTheFinalReport() {
    double[] confidences = {0.95, 0.91, 0.85, 0.72, 0.66, 0.55, 0.45, 0.99, 0.88, 0.61};
    boolean[] correct = {true, false, true, true, false, true, false, true, true, false};
    for (int i = 0; i < confidences.length; i++) {
      Instant eventTime = T0.plusSeconds(30L * i);
      predict("e" + i, eventTime, correct[i] ? "red circle" : "blue square", confidences[i]);
      label("e" + i, "red circle", eventTime.plusSeconds(90));
    }
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));

    CalibrationReport all = finalReport(CalibrationGroup.ALL, 3);
    double batch = ExpectedCalibrationError.of(new TopLabelRows(confidences, correct), 10);
    assertEquals(batch, all.getEce(), 1e-12);
    assertEquals(10, all.getScoredCount());
    assertEquals(10, all.getLabelledCount());
    assertEquals(0.6, all.getAccuracy(), 1e-12);
    assertEquals(T0, all.getWindowStart());
    assertEquals(T0.plus(Duration.ofMinutes(10)), all.getWindowEnd());
    assertTrue(all.getEceCiLow() <= all.getEce() && all.getEce() <= all.getEceCiHigh());
    assertEquals(10, all.getBins().size());
    // Ten labels: a calibrated model with these confidences often shows an ECE of 20% or more.
    assertTrue(
        all.getEceNoiseFloor() > 0.15 && all.getEceNoiseFloor() < 0.6,
        "noise floor " + all.getEceNoiseFloor());
  }

  @Test
  void shouldEmitProvisionalReportsAsLabelsArriveAndOneFinalReport() {
    predict("a", T0, "red circle", 0.9);
    predict("b", T0.plusSeconds(10), "red circle", 0.8);
    label("a", "red circle", T0.plusSeconds(60));
    driver.advanceWallClockTime(Duration.ofSeconds(1)); // a provisional report of "a"
    label("b", "blue square", T0.plusSeconds(70));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));

    List<CalibrationReport> newGroup = reportsOf(CalibrationGroup.NEW, 3);
    List<CalibrationReport> provisional = newGroup.stream().filter(r -> !r.getFinal$()).toList();
    List<CalibrationReport> finals =
        newGroup.stream().filter(CalibrationReport::getFinal$).toList();
    assertFalse(provisional.isEmpty());
    assertEquals(1, finals.size());
    assertEquals(2, finals.get(0).getLabelledCount());
    assertEquals(0.5, finals.get(0).getAccuracy(), 1e-12);
    // The noise floor costs a resampling: only final reports, which alerts read, carry it.
    assertTrue(provisional.stream().allMatch(r -> r.getEceNoiseFloor() == null));
    assertTrue(finals.get(0).getEceNoiseFloor() != null);
    // So does the bootstrap interval: provisional reports carry [0, 1], which says nothing.
    assertTrue(
        provisional.stream()
            .filter(r -> r.getLabelledCount() > 0)
            .allMatch(r -> r.getEceCiLow() == 0 && r.getEceCiHigh() == 1));
    assertTrue(provisional.stream().anyMatch(r -> r.getLabelledCount() > 0));
    assertTrue(finals.get(0).getEceCiHigh() < 1, "a final report's interval is drawn");
  }

  @Test
  void shouldCountLabelsLaterThanDelayPlusGraceWithoutUsingThem() {
    predict("late", T0.plusSeconds(60), "red circle", 0.9);
    predict("ontime", T0.plusSeconds(60), "red circle", 0.7);
    label("ontime", "red circle", T0.plusSeconds(120));
    // 4 minutes after its event: more than the 2 min delay + 1 min grace.
    label("late", "red circle", T0.plusSeconds(60 + 240));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));

    CalibrationReport window = finalReport(CalibrationGroup.NEW, 3);
    assertEquals(2, window.getScoredCount());
    assertEquals(1, window.getLabelledCount(), "the late label is not used");
    assertEquals(1, window.getLateLabelCount(), "but it is counted in the window it arrived in");
    assertEquals(1, counters.lateLabels());
  }

  @Test
  void shouldJoinALabelThatArrivesBeforeItsPrediction() {
    label("early", "green star", T0.plusSeconds(5));
    predict("early", T0, "green star", 0.6);
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));
    CalibrationReport window = finalReport(CalibrationGroup.NEW, 3);
    assertEquals(1, window.getLabelledCount());
    assertEquals(1.0, window.getAccuracy());
  }

  /** Label delay 2 min + grace 1 min: a label exactly this long after its event is on time. */
  private static final Duration DELAY_PLUS_GRACE = Duration.ofMinutes(3);

  @Test
  void shouldUseALabelThatComesAfterItsPredictionExactlyDelayPlusGraceAfterTheEvent() {
    Instant event = T0.plusSeconds(60);
    predict("edge", event, "red circle", 0.9);
    label("edge", "red circle", event.plus(DELAY_PLUS_GRACE));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));

    assertLabelledAndLate(finalReport(CalibrationGroup.NEW, 3), 1, 0);
    assertEquals(0, counters.lateLabels());
  }

  @Test
  void shouldCountALabelThatComesAfterItsPredictionOneMillisecondTooLate() {
    Instant event = T0.plusSeconds(60);
    predict("late", event, "red circle", 0.9);
    label("late", "red circle", event.plus(DELAY_PLUS_GRACE).plusMillis(1));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));

    assertLabelledAndLate(finalReport(CalibrationGroup.NEW, 3), 0, 1);
    assertEquals(1, counters.lateLabels());
  }

  @Test
  void shouldUseALabelThatComesBeforeItsPredictionExactlyDelayPlusGraceAfterTheEvent() {
    Instant event = T0.plusSeconds(60);
    label("edge", "red circle", event.plus(DELAY_PLUS_GRACE));
    predict("edge", event, "red circle", 0.9);
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));

    CalibrationReport window = finalReport(CalibrationGroup.NEW, 3);
    assertLabelledAndLate(window, 1, 0);
    assertEquals(1.0, window.getAccuracy());
    assertEquals(0, counters.lateLabels());
  }

  @Test
  void shouldCountALabelThatComesBeforeItsPredictionOneMillisecondTooLate() {
    // The scorer lagged: the label reached the monitor first, but it was given more than
    // delay + grace after the event, so the prediction's window must not use it.
    Instant event = T0.plusSeconds(60);
    label("late", "red circle", event.plus(DELAY_PLUS_GRACE).plusMillis(1));
    predict("late", event, "red circle", 0.9);
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));

    CalibrationReport window = finalReport(CalibrationGroup.NEW, 3);
    assertEquals(1, window.getScoredCount());
    assertLabelledAndLate(window, 0, 1);
    assertEquals(1, counters.lateLabels());
    assertEquals(0, counters.unmatchedLabels(), "the label found its prediction");
  }

  @Test
  void shouldCountALateLabelThatCameFirstInTheWindowOpenWhenItsPredictionArrives() {
    // The label arrives in window [0, 10) (and waits for its prediction until 9 + 2 x 3 = 15
    // min); its prediction only once stream time is in [10, 20), after [0, 10) is final: the late
    // label is counted in [10, 20), still open then, not in the closed window of its timestamp.
    Instant event = T0.plusSeconds(60);
    label("lagged", "red circle", T0.plus(Duration.ofMinutes(9)));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(14)));
    predict("lagged", event, "red circle", 0.9);
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(23)));

    List<CalibrationReport> finals =
        reportsOf(CalibrationGroup.NEW, 3).stream().filter(CalibrationReport::getFinal$).toList();
    assertEquals(1, finals.size(), "only [10, 20) had anything of version 3");
    assertEquals(T0.plus(Duration.ofMinutes(10)), finals.get(0).getWindowStart());
    assertLabelledAndLate(finals.get(0), 0, 1);
    assertEquals(1, counters.lateLabels());
  }

  private static void assertLabelledAndLate(CalibrationReport window, long labelled, long late) {
    assertEquals(labelled, window.getLabelledCount(), "labels used");
    assertEquals(late, window.getLateLabelCount(), "late labels counted");
  }

  @Test
  void shouldIgnoreDuplicatePredictionsAndLabels() {
    predict("d", T0, "red circle", 0.9);
    predict("d", T0, "red circle", 0.9);
    label("d", "red circle", T0.plusSeconds(30));
    label("d", "blue square", T0.plusSeconds(40));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));
    CalibrationReport window = finalReport(CalibrationGroup.NEW, 3);
    assertEquals(1, window.getScoredCount());
    assertEquals(1, window.getLabelledCount());
    assertEquals(1.0, window.getAccuracy());
    assertEquals(1, counters.duplicatePredictions());
    assertEquals(1, counters.duplicateLabels());
  }

  @Test
  void shouldRecogniseDuplicatesOfAJoinedPairWhicheverRecordCameFirst() {
    predict("p", T0, "red circle", 0.9);
    label("p", "red circle", T0.plusSeconds(30));
    label("l", "red circle", T0.plusSeconds(30));
    predict("l", T0, "red circle", 0.8);
    predict("p", T0, "red circle", 0.9);
    predict("l", T0, "red circle", 0.8);
    label("p", "red circle", T0.plusSeconds(35));
    label("l", "red circle", T0.plusSeconds(35));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));
    CalibrationReport window = finalReport(CalibrationGroup.NEW, 3);
    assertEquals(2, window.getScoredCount());
    assertEquals(2, window.getLabelledCount());
    assertEquals(2, counters.duplicatePredictions());
    assertEquals(2, counters.duplicateLabels());
    assertEquals(0, counters.unmatchedLabels());
  }

  @Test
  void shouldReportBaseNewAndAllAndEachPromptVersionSeparately() {
    pipePrediction(prediction("b1", T0, "red circle", 0.9, CalibrationGroup.BASE, 3));
    pipePrediction(prediction("n1", T0, "green star", 0.6, CalibrationGroup.NEW, 3));
    pipePrediction(prediction("v4", T0, "green star", 0.7, CalibrationGroup.NEW, 4));
    for (String id : List.of("b1", "n1", "v4")) {
      label(id, id.equals("b1") ? "red circle" : "green star", T0.plusSeconds(30));
    }
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));

    assertEquals(1, finalReport(CalibrationGroup.BASE, 3).getLabelledCount());
    assertEquals(1, finalReport(CalibrationGroup.NEW, 3).getLabelledCount());
    CalibrationReport all3 = finalReport(CalibrationGroup.ALL, 3);
    assertEquals(2, all3.getLabelledCount());
    assertEquals(0.5, all3.getNewClassShare(), 1e-12);
    assertNull(finalReport(CalibrationGroup.NEW, 3).getNewClassShare(), "share is for ALL only");
    assertEquals(1, finalReport(CalibrationGroup.NEW, 4).getLabelledCount());
    assertTrue(readReports.stream().anyMatch(kv -> kv.key.equals("default/3/base")));
    assertTrue(readReports.stream().anyMatch(kv -> kv.key.equals("default/4/all")));
  }

  @Test
  void shouldAlsoGroupLabelledPredictionsByTheirTrueClassAgainstTheVersionsBaseClasses() {
    driver
        .createInputTopic(
            topics.promptVersions().name(),
            Serdes.String().serializer(),
            AvroSerde.of(PromptVersion.class).serializer())
        .pipeInput("default", promptVersion(3, List.of("red circle")), T0);
    // Predicted base (red circle): one image of it, one of a new class (green star).
    pipePrediction(prediction("b-right", T0, "red circle", 0.9, CalibrationGroup.BASE, 3));
    pipePrediction(prediction("b-wrong", T0, "red circle", 0.8, CalibrationGroup.BASE, 3));
    // Predicted new (green star), truly base.
    pipePrediction(prediction("n-wrong", T0, "green star", 0.6, CalibrationGroup.NEW, 3));
    pipePrediction(prediction("unlabelled", T0, "green star", 0.7, CalibrationGroup.NEW, 3));
    label("b-right", "red circle", T0.plusSeconds(30));
    label("b-wrong", "green star", T0.plusSeconds(30));
    label("n-wrong", "red circle", T0.plusSeconds(30));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));

    CalibrationReport trueBase = finalReport(ReportGroup.TRUE_BASE, 3);
    assertEquals(CalibrationGroup.BASE, trueBase.getGroup());
    assertEquals(CalibrationGrouping.TRUE_CLASS, trueBase.getGrouping());
    assertEquals(2, trueBase.getLabelledCount(), "b-right and n-wrong are images of red circles");
    assertEquals(2, trueBase.getScoredCount(), "labelled predictions only");
    assertEquals(0.5, trueBase.getAccuracy(), 1e-12);
    CalibrationReport trueNew = finalReport(ReportGroup.TRUE_NEW, 3);
    assertEquals(1, trueNew.getLabelledCount());
    assertEquals(0.0, trueNew.getAccuracy(), 1e-12);
    assertEquals(2, finalReport(CalibrationGroup.BASE, 3).getLabelledCount(), "by prediction");
    assertEquals(2, finalReport(CalibrationGroup.NEW, 3).getScoredCount());
    assertEquals(4, finalReport(CalibrationGroup.ALL, 3).getScoredCount(), "ALL is reported once");
    assertTrue(readReports.stream().anyMatch(kv -> kv.key.equals("default/3/true-base")));
  }

  @Test
  void shouldNotGroupByTrueClassAVersionWhoseBaseClassesAreUnknown() {
    predict("p", T0, "red circle", 0.9);
    label("p", "red circle", T0.plusSeconds(30));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));
    assertEquals(1, finalReport(CalibrationGroup.NEW, 3).getLabelledCount());
    assertTrue(reportsOf(ReportGroup.TRUE_BASE, 3).isEmpty());
    assertTrue(reportsOf(ReportGroup.TRUE_NEW, 3).isEmpty());
  }

  private static PromptVersion promptVersion(long version, List<String> baseClasses) {
    return PromptVersion.newBuilder()
        .setDeployment("default")
        .setVersion(version)
        .setCreatedAt(T0)
        .setMethod("coop")
        .setBackboneId("test")
        .setWeightsSha256("00".repeat(32))
        .setTemplate("a photo of a {}.")
        .setNCtx(1)
        .setCtxDim(2)
        .setContextVectors(List.of(0.1f, 0.2f))
        .setBaseClasses(baseClasses)
        .build();
  }

  @Test
  void shouldComputeBrierAndNllFromShippedProbabilities() {
    Prediction p = prediction("p", T0, "red circle", 0.7, CalibrationGroup.NEW, 3);
    p.setClassProbabilities(List.of(0.7f, 0.2f, 0.1f));
    pipePrediction(p);
    label("p", "blue square", T0.plusSeconds(30));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));
    CalibrationReport window = finalReport(CalibrationGroup.NEW, 3);
    // Brier: 0.7^2 + (0.2 - 1)^2 + 0.1^2 = 0.49 + 0.64 + 0.01 = 1.14; NLL: -ln 0.2.
    assertEquals(1.14, window.getBrier(), 1e-6);
    assertEquals(-Math.log(0.2), window.getNll(), 1e-6);
  }

  @Test
  void shouldNotReadProbabilitiesByAClassSetThePredictionWasNotScoredWith() {
    Prediction p = prediction("p", T0, "red circle", 0.7, CalibrationGroup.NEW, 3);
    p.setClassProbabilities(List.of(0.7f, 0.2f, 0.1f));
    pipePrediction(p);
    // The same three classes in another order: index 0 is now the label's class.
    publishClassSet(2, List.of("blue square", "red circle", "green star"), T0.plusSeconds(1));
    label("p", "blue square", T0.plusSeconds(30));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));
    CalibrationReport window = finalReport(CalibrationGroup.NEW, 3);
    assertEquals(1, window.getLabelledCount(), "the pair still counts for calibration");
    // Before the fix: Brier 0.09 + 0.04 + 0.01 = 0.14 and NLL -ln 0.7, read at the wrong index.
    assertNull(window.getBrier(), "no Brier score from probabilities of another class order");
    assertNull(window.getNll());
  }

  @Test
  void shouldJoinAPredictionThatAnEarlierMonitorKeptWhole() {
    // Before WaitingPrediction, a waiting entry held the whole Prediction: state restored from such
    // a changelog still joins.
    Prediction p = prediction("p", T0, "red circle", 0.7, CalibrationGroup.NEW, 3);
    p.setClassProbabilities(List.of(0.7f, 0.2f, 0.1f));
    KeyValueStore<String, PendingJoin> pending =
        driver.getKeyValueStore(MonitorTopology.PENDING_STORE);
    pending.put(
        "p",
        PendingJoin.newBuilder()
            .setPrediction(p)
            .setExpiresAt(T0.plus(Duration.ofHours(1)))
            .build());
    label("p", "blue square", T0.plusSeconds(30));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));
    CalibrationReport window = finalReport(CalibrationGroup.NEW, 3);
    assertEquals(1, window.getLabelledCount());
    assertEquals(1.14, window.getBrier(), 1e-6);
  }

  @Test
  void shouldAlertAndRequestRetrainingAfterTwoOverconfidentWindows() {
    // Two windows of new-class predictions at 95% confidence that are right half the time.
    for (int w = 0; w < 2; w++) {
      for (int i = 0; i < 24; i++) {
        String id = "w" + w + "-" + i;
        Instant eventTime = T0.plus(Duration.ofMinutes(10L * w)).plusSeconds(20L * i);
        predict(id, eventTime, "green star", 0.95);
        label(id, i % 2 == 0 ? "green star" : "blue square", eventTime.plusSeconds(60));
      }
    }
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(24)));

    List<Alert> raised = alerts.readValuesToList();
    assertEquals(1, raised.size());
    Alert alert = raised.get(0);
    assertEquals(CalibrationGroup.NEW, alert.getGroup());
    assertEquals(0.45, alert.getObserved(), 1e-9);
    assertEquals(2, alert.getEvidence().size());
    List<RetrainRequest> requests = retrains.readValuesToList();
    assertEquals(1, requests.size());
    assertEquals(alert.getAlertId(), requests.get(0).getAlertId());
    assertEquals(3, requests.get(0).getCurrentPromptVersion());
    // The trainer judges a repair on held-out data from the first evidence window on.
    Instant first = alert.getEvidence().get(0).getWindowStart();
    assertTrue(first.isBefore(alert.getEvidence().get(1).getWindowStart()), "oldest first");
    assertEquals(first, requests.get(0).getEvidenceFrom());
    assertFalse(first.isAfter(T0), "the first window holds the first event");
  }

  @Test
  void shouldNotAlertOnWindowsWithTooFewLabels() {
    for (int w = 0; w < 2; w++) {
      for (int i = 0; i < 10; i++) {
        String id = "w" + w + "-" + i;
        Instant eventTime = T0.plus(Duration.ofMinutes(10L * w)).plusSeconds(20L * i);
        predict(id, eventTime, "green star", 0.95);
        label(id, "blue square", eventTime.plusSeconds(60));
      }
    }
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(24)));
    assertTrue(alerts.isEmpty());
    assertTrue(retrains.isEmpty());
  }

  @Test
  void shouldSendUndecodableAndInvalidRecordsToDeadLettersAndCarryOn() {
    predictions.pipeInput("junk", "not avro".getBytes(), T0);
    labels.pipeInput("junk-label", new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9}, T0);
    Label unknown =
        Label.newBuilder().setEventId("u").setTrueClass("purple hexagon").setLabelledAt(T0).build();
    labels.pipeInput("u", AvroSerde.of(Label.class).serialize("labels", unknown), T0);
    pipePrediction(
        prediction(
            "future", T0.plus(Duration.ofDays(2)), "red circle", 0.9, CalibrationGroup.NEW, 3));
    predict("good", T0, "red circle", 0.9);
    label("good", "red circle", T0.plusSeconds(30));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));

    Map<String, DeadLetter> dead =
        deadLetters.readKeyValuesToList().stream()
            .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
    assertEquals(4, dead.size(), dead.toString());
    assertEquals("NOT_SINGLE_OBJECT_ENCODING", dead.get("junk").getErrorType());
    assertEquals("not avro", new String(dead.get("junk").getOriginalValue().array()));
    assertEquals(topics.predictions().name(), dead.get("junk").getSourceTopic());
    assertEquals("UNKNOWN_SCHEMA", dead.get("junk-label").getErrorType());
    assertEquals("UNKNOWN_CLASS", dead.get("u").getErrorType());
    assertTrue(dead.get("u").getErrorMessage().contains("purple hexagon"));
    assertEquals("EVENT_TIME_IN_FUTURE", dead.get("future").getErrorType());
    assertEquals(4, counters.deadLetters());
    assertEquals(1, finalReport(CalibrationGroup.NEW, 3).getLabelledCount());
  }

  @Test
  void shouldDeadLetterPoisonThatWouldBreakTheAggregateOrItsClockAndCountTheGoodEvents() {
    pipePrediction(prediction("nan", T0, "red circle", Double.NaN, CalibrationGroup.NEW, 3));
    pipePrediction(prediction("over-one", T0, "red circle", 1.5, CalibrationGroup.NEW, 3));
    Prediction badVector = prediction("bad-vector", T0, "red circle", 0.9, CalibrationGroup.NEW, 3);
    badVector.setClassProbabilities(List.of(0.9f, Float.POSITIVE_INFINITY, 0f));
    pipePrediction(badVector);
    pipePrediction(
        prediction(
            "before-1970", Instant.ofEpochMilli(-5), "red circle", 0.9, CalibrationGroup.NEW, 3));
    Prediction keyless = prediction("keyless", T0, "red circle", 0.9, CalibrationGroup.NEW, 3);
    predictions.pipeInput(
        (String) null, AvroSerde.of(Prediction.class).serialize("predictions", keyless), T0);
    predictions.pipeInput("no-value", (byte[]) null, T0);
    // A label stamped a year ahead: accepted, it would move the labels' watermark past every
    // window and close them all.
    label("far-future-label", "red circle", T0.plus(Duration.ofDays(365)));
    label("negative-label", "red circle", Instant.ofEpochMilli(-1));
    Label unnamed = Label.newBuilder().setEventId("g").setTrueClass("").setLabelledAt(T0).build();
    labels.pipeInput("unnamed", AvroSerde.of(Label.class).serialize("labels", unnamed), T0);
    for (int i = 0; i < 5; i++) {
      predict("good" + i, T0.plusSeconds(i), "red circle", 0.9);
      label("good" + i, "red circle", T0.plusSeconds(30 + i));
    }
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));

    List<KeyValue<String, DeadLetter>> dead = deadLetters.readKeyValuesToList();
    Map<String, String> types = new java.util.TreeMap<>();
    dead.forEach(kv -> types.put(String.valueOf(kv.key), kv.value.getErrorType()));
    assertEquals(
        Map.of(
            "nan", "INVALID_PREDICTION",
            "over-one", "INVALID_PREDICTION",
            "bad-vector", "INVALID_PREDICTION",
            "before-1970", "INVALID_TIME",
            "null", "MISSING_KEY",
            "no-value", "EMPTY_VALUE",
            "far-future-label", "EVENT_TIME_IN_FUTURE",
            "negative-label", "INVALID_TIME",
            "unnamed", "INVALID_LABEL"),
        types);
    assertTrue(
        dead.stream().noneMatch(kv -> kv.value.getErrorMessage().contains("Exception")),
        "sentences, not class names: " + dead);
    assertEquals(9, counters.deadLetters());
    CalibrationReport all = finalReport(CalibrationGroup.ALL, 3);
    assertEquals(5, all.getScoredCount(), "the good events, in a window still open");
    assertEquals(5, all.getLabelledCount());
  }

  @Test
  void shouldCountEveryPairOfABacklogReadOneTopicAfterTheOther() {
    // Twenty minutes of traffic read as a backlog in the worst order for stream time: every
    // prediction first, then every label (each 5 s after its event). Stream time reaches the end
    // of the backlog before the first label is read; the watermark waits for the labels.
    int events = 240;
    for (int i = 0; i < events; i++) {
      predict("b" + i, T0.plusSeconds(5L * i), i % 3 == 0 ? "blue square" : "red circle", 0.8);
    }
    assertTrue(reportsOf(CalibrationGroup.ALL, 3).isEmpty(), "nothing is final without labels");
    for (int i = 0; i < events; i++) {
      label("b" + i, "red circle", T0.plusSeconds(5L * i + 5));
    }
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(33)));

    List<CalibrationReport> finals =
        reportsOf(CalibrationGroup.ALL, 3).stream().filter(CalibrationReport::getFinal$).toList();
    assertEquals(2, finals.size(), "windows [0, 10) and [10, 20)");
    assertEquals(events, finals.stream().mapToLong(CalibrationReport::getLabelledCount).sum());
    assertEquals(events, finals.stream().mapToLong(CalibrationReport::getScoredCount).sum());
    assertEquals(0, counters.deadLetters());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldCloseWindowsOnceAnInputHasBeenQuietForTheIdleTimeout() {
    predict("unlabelled", T0, "red circle", 0.9);
    predict("later", T0.plus(Duration.ofMinutes(14)), "red circle", 0.9);
    driver.advanceWallClockTime(Duration.ofMinutes(59));
    assertTrue(
        reportsOf(CalibrationGroup.ALL, 3).stream().noneMatch(CalibrationReport::getFinal$),
        "labels may still come: the labels input is not idle yet");

    driver.advanceWallClockTime(Duration.ofMinutes(1)); // the idle timeout: 1 hour
    CalibrationReport all = finalReport(CalibrationGroup.ALL, 3);
    assertEquals(T0, all.getWindowStart());
    assertEquals(1, all.getScoredCount());
    assertEquals(0, all.getLabelledCount());
  }

  @Test
  void shouldCheckPredictionsAgainstTheClassSetTheyWereScoredWith() {
    pipePrediction(prediction("unknown", T0, "purple hexagon", 0.9, CalibrationGroup.NEW, 3));
    Prediction short1 = prediction("short", T0, "red circle", 0.9, CalibrationGroup.NEW, 3);
    short1.setClassProbabilities(List.of(0.9f, 0.1f));
    pipePrediction(short1);
    pipePrediction(prediction("all", T0, "red circle", 0.9, CalibrationGroup.ALL, 3));
    Prediction later = prediction("later", T0, "purple hexagon", 0.9, CalibrationGroup.NEW, 3);
    later.setClassSetVersion(2); // a class set this monitor has not read: not checked
    pipePrediction(later);
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));

    Map<String, DeadLetter> dead =
        deadLetters.readKeyValuesToList().stream()
            .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
    assertEquals(3, dead.size(), dead.toString());
    assertEquals("INVALID_PREDICTION", dead.get("all").getErrorType());
    assertEquals("UNKNOWN_CLASS", dead.get("unknown").getErrorType());
    assertTrue(dead.get("unknown").getErrorMessage().contains("'purple hexagon'"));
    assertEquals("INVALID_PREDICTION", dead.get("short").getErrorType());
    assertEquals(1, finalReport(CalibrationGroup.NEW, 3).getScoredCount());
  }

  @Test
  void shouldCountALateLabelOfAClassTheClassSetNoLongerHas() {
    predict("before-move", T0, "red circle", 0.9);
    // The operator moves the deployment to other classes before the event's label arrives.
    publishClassSet(2, List.of("red square", "purple hexagon"), T0.plusSeconds(1));
    label("before-move", "red circle", T0.plusSeconds(20));
    label("never", "orange moon", T0.plusSeconds(21));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));

    List<DeadLetter> dead = deadLetters.readValuesToList();
    assertEquals(1, dead.size(), dead.toString());
    assertEquals("UNKNOWN_CLASS", dead.get(0).getErrorType());
    assertTrue(dead.get(0).getErrorMessage().contains("'orange moon'"), dead.toString());
    assertEquals(1, finalReport(CalibrationGroup.NEW, 3).getLabelledCount());
  }

  @Test
  void shouldSkipAnUndecodableClassSetAndKeepThePreviousOne() {
    // Before the fix, a global table decoded class sets with the Avro serde: this record killed
    // the global thread (and with it the whole monitor).
    driver
        .createInputTopic(
            topics.classSets().name(),
            Serdes.String().serializer(),
            Serdes.ByteArray().serializer())
        .pipeInput("default", "garbage".getBytes(), T0.plusSeconds(1));
    Label unknown =
        Label.newBuilder().setEventId("u").setTrueClass("purple hexagon").setLabelledAt(T0).build();
    labels.pipeInput("u", AvroSerde.of(Label.class).serialize("labels", unknown), T0);

    List<DeadLetter> dead = deadLetters.readValuesToList();
    assertEquals(1, dead.size(), "the previous class set still checks labels");
    assertEquals("UNKNOWN_CLASS", dead.get(0).getErrorType());
    assertEquals(2, counters.deadLetters(), "the bad class set is counted too");
  }

  @Test
  void shouldMeasureConfidenceShiftAgainstTheFirstFullWindow() {
    for (int i = 0; i < 60; i++) {
      predict("ref" + i, T0.plusSeconds(5L * i), "red circle", 0.95);
    }
    for (int i = 0; i < 60; i++) {
      predict("shift" + i, T0.plus(Duration.ofMinutes(10)).plusSeconds(5L * i), "red circle", 0.35);
    }
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(24)));
    List<CalibrationReport> finals =
        reportsOf(CalibrationGroup.NEW, 3).stream().filter(CalibrationReport::getFinal$).toList();
    assertEquals(2, finals.size());
    assertEquals(0.0, finals.get(0).getConfidencePsi(), 1e-12, "the reference against itself");
    assertTrue(finals.get(1).getConfidencePsi() > 1.0, "all mass moved: " + finals.get(1));
  }

  @Test
  void shouldWarnOnceFromTextFeaturesAloneWhenTheNewClassesArePushedApart() {
    TestInputTopic<String, byte[]> health =
        driver.createInputTopic(
            topics.promptHealth().name(),
            Serdes.String().serializer(),
            Serdes.ByteArray().serializer());
    AvroCodec<PromptHealth> codec = AvroCodec.of(PromptHealth.class);
    // Version 1 moves to class set 2, whose new classes it pushes apart 1.3 times: a warning,
    // before any prediction or label. Scorer b's copy of the same measure is not a second one.
    health.pipeInput("default", codec.encode(health("a", 1, 1, 1.02)), T0);
    health.pipeInput("default", codec.encode(health("a", 1, 2, 1.3)), T0.plusSeconds(1));
    health.pipeInput("default", codec.encode(health("b", 1, 2, 1.3)), T0.plusSeconds(2));
    // A DOR version keeps them where zero-shot put them: no warning. An older class set, read
    // late, is not evaluated again.
    health.pipeInput("default", codec.encode(health("a", 2, 2, 1.01)), T0.plusSeconds(3));
    health.pipeInput("default", codec.encode(health("a", 1, 3, 1.5)), T0.plusSeconds(4));

    List<Alert> raised = alerts.readValuesToList();
    assertEquals(1, raised.size(), raised.toString());
    Alert warning = raised.get(0);
    assertEquals(TextDivergenceRule.RULE, warning.getRule());
    assertEquals(CalibrationGroup.NEW, warning.getGroup());
    assertEquals(1, warning.getPromptVersion());
    assertEquals(1.3, warning.getObserved(), 1e-9);
    assertEquals(1.1, warning.getThreshold(), 1e-9);
    assertEquals(List.of(), warning.getEvidence());
    assertTrue(warning.getMessage().contains("1.30x zero-shot's"), warning.getMessage());
    assertTrue(retrains.isEmpty(), "a label-free warning asks for no retraining");
    assertEquals(5, counters.promptHealths());

    // Undecodable bytes and impossible distances are dead-lettered; the monitor goes on.
    health.pipeInput("default", "junk".getBytes(StandardCharsets.UTF_8), T0.plusSeconds(5));
    PromptHealth nan = health("a", 3, 3, 1.4);
    nan.getNewClasses().setDivergence(Double.NaN);
    health.pipeInput("default", codec.encode(nan), T0.plusSeconds(6));
    health.pipeInput("default", codec.encode(health("a", 4, 3, 1.4)), T0.plusSeconds(7));
    List<DeadLetter> dead = deadLetters.readValuesToList();
    assertEquals(
        List.of("NOT_SINGLE_OBJECT_ENCODING", "INVALID_PROMPT_HEALTH"),
        dead.stream().map(DeadLetter::getErrorType).toList());
    assertEquals(4, alerts.readValuesToList().get(0).getPromptVersion());
  }

  @Test
  void shouldWarnOnceBeforeAnyLabelWhenATunedVersionIsMoreConfidentThanZeroShot() {
    // Version 3 predicts new classes at 0.9 where the template gives the same classes 0.7: a
    // lift of 0.2 over 120 predictions, no label yet. The warning comes with a provisional report.
    for (int i = 0; i < 120; i++) {
      predictWithZeroShot("v3-" + i, T0.plusSeconds(i), CalibrationGroup.NEW, 3, 0.9, 0.7);
    }
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    predictWithZeroShot("v3-last", T0.plusSeconds(121), CalibrationGroup.NEW, 3, 0.9, 0.7);
    List<Alert> raised = alerts.readValuesToList();
    assertEquals(1, raised.size(), raised.toString());
    Alert warning = raised.get(0);
    assertEquals(ConfidenceLiftRule.RULE, warning.getRule());
    assertEquals(3, warning.getPromptVersion());
    assertEquals(CalibrationGroup.NEW, warning.getGroup());
    assertEquals(0.2, warning.getObserved(), 1e-9);
    assertEquals(0.05, warning.getThreshold(), 1e-12);
    assertFalse(warning.getEvidence().get(0).getFinal$(), "raised from a provisional report");
    assertEquals(0, warning.getEvidence().get(0).getLabelledCount());
    assertTrue(warning.getMessage().contains("20.0 points"), warning.getMessage());

    // Quiet: a DOR-like version (lift 0.02), zero-shot itself (lift 0), a tuned version's base
    // classes (more accurate than the template there, so the lift is not overconfidence alone),
    // and version 3 again in later windows (one warning per version).
    for (int i = 0; i < 120; i++) {
      Instant at = T0.plusSeconds(200 + i);
      predictWithZeroShot("v4-" + i, at, CalibrationGroup.NEW, 4, 0.72, 0.70);
      predictWithZeroShot("v0-" + i, at, CalibrationGroup.NEW, 0, 0.7, 0.7);
      predictWithZeroShot("v5-" + i, at, CalibrationGroup.BASE, 5, 0.95, 0.6);
      predictWithZeroShot(
          "v3-late-" + i,
          T0.plus(Duration.ofMinutes(20)).plusSeconds(i),
          CalibrationGroup.NEW,
          3,
          0.95,
          0.6);
    }
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(40)));
    assertEquals(List.of(), alerts.readValuesToList());
    assertTrue(retrains.isEmpty(), "a label-free warning asks for no retraining");
    CalibrationReport dorLike = finalReport(CalibrationGroup.NEW, 4);
    assertEquals(120, dorLike.getLiftCount());
    assertEquals(0.02, dorLike.getConfidenceLift(), 1e-9);
    assertEquals(0.0, finalReport(CalibrationGroup.NEW, 0).getConfidenceLift(), 1e-12);

    // A zero-shot probability that is no probability is dead-lettered with the reason.
    predictWithZeroShot("bad", T0.plus(Duration.ofMinutes(41)), CalibrationGroup.NEW, 3, 0.9, 1.5);
    DeadLetter dead = deadLetters.readValuesToList().get(0);
    assertEquals("INVALID_PREDICTION", dead.getErrorType());
    assertTrue(dead.getErrorMessage().contains("zero-shot probability 1.5"), dead.toString());
  }

  @Test
  void shouldReportTheTemplatesCalibrationOnTheSameLabelledEvents() {
    // The template's answers for four labelled events: right at 0.6 and 0.8, wrong at 0.7 and
    // 0.9; a fifth event's prediction came without them. With 10 bins: (|1 - .6| + |1 - .8| +
    // |0 - .7| + |0 - .9|) / 4 = 0.55, accuracy 0.5, mean confidence 0.75.
    String[][] answers = {
      {"a", "red circle", "0.6"}, {"b", "red circle", "0.8"},
      {"c", "blue square", "0.7"}, {"d", "blue square", "0.9"}
    };
    for (String[] answer : answers) {
      Prediction p = prediction(answer[0], T0, "red circle", 0.9, CalibrationGroup.NEW, 3);
      p.setZeroShotProbability(0.5);
      p.setZeroShotClass(answer[1]);
      p.setZeroShotConfidence(Double.parseDouble(answer[2]));
      pipePrediction(p);
      label(answer[0], "red circle", T0.plusSeconds(30));
    }
    predict("e", T0, "red circle", 0.9);
    label("e", "red circle", T0.plusSeconds(30));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(13)));

    CalibrationReport report = finalReport(CalibrationGroup.NEW, 3);
    assertEquals(5, report.getLabelledCount());
    assertEquals(4, report.getZeroShotLabelledCount());
    assertEquals(0.5, report.getZeroShotAccuracy(), 1e-12);
    assertEquals(0.75, report.getZeroShotMeanConfidence(), 1e-12);
    assertEquals(0.55, report.getZeroShotEce(), 1e-12);
    // Four labels: most of that ECE is what a calibrated template would show on four labels too.
    double beyond = report.getZeroShotEceBeyondNoise();
    assertTrue(beyond >= 0 && beyond < 0.55, "beyond noise: " + beyond);
    assertTrue(
        reportsOf(CalibrationGroup.NEW, 3).stream()
            .filter(r -> !r.getFinal$())
            .allMatch(r -> r.getZeroShotEceBeyondNoise() == null),
        "final reports only");

    // A zero-shot class without its confidence is no answer: dead-lettered with the reason.
    Prediction half =
        prediction(
            "half", T0.plus(Duration.ofMinutes(14)), "red circle", 0.9, CalibrationGroup.NEW, 3);
    half.setZeroShotClass("red circle");
    pipePrediction(half);
    DeadLetter dead = deadLetters.readValuesToList().get(0);
    assertEquals("INVALID_PREDICTION", dead.getErrorType());
    assertTrue(dead.getErrorMessage().contains("come together"), dead.toString());
  }

  private void predictWithZeroShot(
      String id,
      Instant eventTime,
      CalibrationGroup group,
      long version,
      double confidence,
      double zeroShot) {
    Prediction p = prediction(id, eventTime, "red circle", confidence, group, version);
    p.setZeroShotProbability(zeroShot);
    pipePrediction(p);
  }

  /** A measure whose new classes' tuned divergence is {@code ratio} times zero-shot's 0.25. */
  private static PromptHealth health(String scorer, long version, long classSet, double ratio) {
    return PromptHealth.newBuilder()
        .setDeployment("default")
        .setPromptVersion(version)
        .setClassSetVersion(classSet)
        .setMethod(version == 2 ? "coop+dor" : "coop")
        .setMeasuredAt(T0)
        .setMeasuredBy(scorer)
        .setBaseClasses(null)
        .setNewClasses(
            TextShift.newBuilder()
                .setClasses(20)
                .setDivergence(0.25 * ratio)
                .setZeroShotDivergence(0.25)
                .setSeparation(0.1)
                .setZeroShotSeparation(0.1)
                .setDeviation(0.1)
                .build())
        .build();
  }

  @Test
  void shouldKeepTheNamesOfStoresAndInternalTopics() {
    // A store's changelog and a repartition topic are named after them: renamed, they are new,
    // empty topics, and a monitor restarted on the new code loses what the old ones held (the
    // pending joins, the partial windows, ...). Every one is named explicitly.
    TopologyDescription description = MonitorTopology.build(config(), topics, counters).describe();
    Set<String> stores = new TreeSet<>();
    Set<String> internalTopics = new TreeSet<>();
    for (TopologyDescription.Subtopology subtopology : description.subtopologies()) {
      for (TopologyDescription.Node node : subtopology.nodes()) {
        if (node instanceof TopologyDescription.Processor processor) {
          stores.addAll(processor.stores());
        } else if (node instanceof TopologyDescription.Source source) {
          internalTopics.addAll(source.topicSet());
        } else if (node instanceof TopologyDescription.Sink sink) {
          internalTopics.add(sink.topic());
        }
      }
    }
    for (TopologyDescription.GlobalStore global : description.globalStores()) {
      stores.addAll(global.processor().stores());
    }
    topics.all().forEach(topic -> internalTopics.remove(topic.name()));

    assertEquals(
        Set.of(
            "alert-streaks",
            "class-set-bytes",
            "confidence-lift-warned",
            "confidence-reference",
            "join-watermarks",
            "merge-progress",
            "partial-windows",
            "pending-joins",
            "prompt-base-classes",
            "prompt-health-latest",
            "window-parts"),
        stores);
    assertEquals(
        Set.of("labels-by-event-id-repartition", "window-partials-repartition"), internalTopics);
  }

  // --- helpers --------------------------------------------------------------------------------

  private List<CalibrationReport> reportsOf(CalibrationGroup group, long version) {
    return reportsOf(ReportGroup.of(group, CalibrationGrouping.PREDICTED_CLASS), version);
  }

  private List<CalibrationReport> reportsOf(ReportGroup group, long version) {
    readReports.addAll(reports.readKeyValuesToList());
    return readReports.stream()
        .map(kv -> kv.value)
        .filter(r -> ReportGroup.of(r) == group && r.getPromptVersion() == version)
        .toList();
  }

  private CalibrationReport finalReport(CalibrationGroup group, long version) {
    return finalReport(ReportGroup.of(group, CalibrationGrouping.PREDICTED_CLASS), version);
  }

  private CalibrationReport finalReport(ReportGroup group, long version) {
    List<CalibrationReport> finals =
        reportsOf(group, version).stream().filter(CalibrationReport::getFinal$).toList();
    assertEquals(1, finals.size(), "final reports for " + group + " v" + version);
    return finals.get(0);
  }

  /**
   * Advances the watermark with a prediction of another prompt version and a label of no event,
   * closing earlier windows.
   */
  private void closeWindowsUpTo(Instant time) {
    pipePrediction(prediction("tick-" + time, time, "red circle", 0.5, CalibrationGroup.NEW, 99));
    label("tick-label-" + time, "red circle", time);
  }

  private void predict(String id, Instant eventTime, String predicted, double confidence) {
    pipePrediction(prediction(id, eventTime, predicted, confidence, CalibrationGroup.NEW, 3));
  }

  private void pipePrediction(Prediction prediction) {
    predictions.pipeInput(
        prediction.getEventId(),
        AvroSerde.of(Prediction.class).serialize("predictions", prediction),
        prediction.getEventTime());
  }

  private void label(String id, String trueClass, Instant at) {
    Label label =
        Label.newBuilder().setEventId(id).setTrueClass(trueClass).setLabelledAt(at).build();
    labels.pipeInput(id, AvroSerde.of(Label.class).serialize("labels", label), at);
  }

  static Prediction prediction(
      String id,
      Instant eventTime,
      String predicted,
      double confidence,
      CalibrationGroup group,
      long version) {
    return Prediction.newBuilder()
        .setEventId(id)
        .setEventTime(eventTime)
        .setScoredAt(eventTime)
        .setPromptVersion(version)
        .setClassSetVersion(1)
        .setPredictedClass(predicted)
        .setConfidence(confidence)
        .setGroup(group)
        .setTopK(List.of(new ClassProbability(predicted, confidence)))
        .setEntropy(0.1)
        .setScorerId("test")
        .build();
  }
}
