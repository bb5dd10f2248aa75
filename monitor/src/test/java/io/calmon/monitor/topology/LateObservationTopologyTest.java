package io.calmon.monitor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.monitor.MonitorConfig;
import io.calmon.monitor.alerting.ConfidenceLiftRule;
import io.calmon.monitor.alerting.TextDivergenceRule;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.ClassProbability;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.state.CalibrationObservation;
import io.calmon.schemas.state.ObservationKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Observations that reach their join task after their windows closed, on {@link TopologyTestDriver}
 * with explicit timestamps. Hopping windows of 10 minutes every 5; label delay 2 minutes plus 1
 * minute grace: window [5, 15) closes when the watermark reaches 18:00, exactly. An event at 07:00
 * belongs to [0, 10) (closed at 13:00) and [5, 15); one at 10:00 to [5, 15) and [10, 20) (closes at
 * 23:00); one at 09:59.999 to [0, 10) and [5, 15) only.
 *
 * <p>Each such observation is dead-lettered once (not once per group copy) and counted; one that
 * misses only some of its windows counts in the open ones.
 */
class LateObservationTopologyTest {
  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  private static final List<String> CLASSES = List.of("red circle", "blue square", "green star");

  private final CalmonTopics topics = CalmonTopics.standard();
  private final MonitorCounters counters = new MonitorCounters();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> predictions;
  private TestInputTopic<String, byte[]> labels;
  private TestOutputTopic<String, CalibrationReport> reports;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  private static MonitorConfig hopping() {
    return new MonitorConfig(
        Duration.ofMinutes(10),
        Duration.ofMinutes(5),
        Duration.ofMinutes(2),
        Duration.ofMinutes(1),
        10,
        20,
        200,
        Duration.ofMinutes(5),
        Duration.ofHours(1),
        Duration.ofSeconds(1),
        Map.of(),
        TextDivergenceRule.off(),
        ConfidenceLiftRule.off());
  }

  private static Instant at(int minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  @Test
  void shouldDeadLetterAPredictionAndItsLabelWhenTheWatermarkIsExactlyAtTheCloseOfItsLastWindow() {
    advanceWatermarkTo(at(18));
    predict("late", at(7));
    label("late", at(8));

    List<DeadLetter> dead = deadLetters.readValuesToList();
    assertEquals(2, dead.size(), "prediction and label, once each: " + dead);
    assertEquals(List.of("late", "late"), keysOf(dead));
    assertEquals("predictions", dead.get(0).getSourceTopic());
    // Labels reach their join task through the monitor's repartition by event id.
    assertTrue(
        dead.get(1).getSourceTopic().endsWith("labels-by-event-id-repartition"),
        dead.get(1).getSourceTopic());
    for (DeadLetter letter : dead) {
      assertEquals(PredictionLabelJoiner.WINDOWS_CLOSED, letter.getErrorType());
      assertEquals("monitor", letter.getService());
      assertEquals("late", decode(letter).getEventId());
      assertTrue(
          letter.getErrorMessage().contains("[2026-03-01T00:05:00Z, 2026-03-01T00:15:00Z)"),
          letter.getErrorMessage());
    }
    assertEquals(ObservationKind.SCORED, decode(dead.get(0)).getKind());
    assertEquals(ObservationKind.LABELLED, decode(dead.get(1)).getKind());
    assertEquals(1, counters.latePredictions());
    assertEquals(
        Map.of("scored", 1L, "labelled", 1L, "late_label", 0L), counters.lateObservations());
    assertEquals(2, counters.deadLetters());

    advanceWatermarkTo(at(40));
    assertEquals(List.of(), reportsOfVersion3(), "in no window");
  }

  @Test
  void shouldCountAPredictionInItsOpenWindowWhenTheWatermarkIsOneMillisecondBeforeItCloses() {
    advanceWatermarkTo(at(18).minusMillis(1));
    predict("edge", at(7));
    label("edge", at(8));

    assertTrue(deadLetters.isEmpty(), "[5, 15) is still open");
    assertEquals(0, counters.latePredictions());
    assertEquals(
        Map.of("scored", 1L, "labelled", 1L, "late_label", 0L), counters.partlyLateObservations());

    advanceWatermarkTo(at(40));
    CalibrationReport window = finalReportOfVersion3();
    assertEquals(at(5), window.getWindowStart(), "not in [0, 10), closed at 13:00");
    assertEquals(1, window.getScoredCount());
    assertEquals(1, window.getLabelledCount());
  }

  @Test
  void shouldCountAPredictionAtTheStartOfAnOpenWindowThereAlone() {
    advanceWatermarkTo(at(18));
    predict("first", at(10)); // [5, 15) closes exactly now; [10, 20) is open

    assertTrue(deadLetters.isEmpty());
    assertEquals(1, counters.partlyLateObservations().get("scored"));

    advanceWatermarkTo(at(40));
    CalibrationReport window = finalReportOfVersion3();
    assertEquals(at(10), window.getWindowStart());
    assertEquals(1, window.getScoredCount());
  }

  @Test
  void shouldDeadLetterAPredictionOneMillisecondBeforeTheStartOfItsOnlyOpenWindow() {
    advanceWatermarkTo(at(18));
    predict("before", at(10).minusMillis(1)); // [0, 10) and [5, 15) only, both closed

    List<DeadLetter> dead = deadLetters.readValuesToList();
    assertEquals(1, dead.size(), "once, for the prediction");
    assertEquals(List.of("before"), keysOf(dead));
    assertEquals(1, counters.latePredictions());
    assertEquals(0, counters.partlyLateObservations().get("scored"));

    advanceWatermarkTo(at(40));
    assertEquals(List.of(), reportsOfVersion3());
  }

  // --- fixture --------------------------------------------------------------------------------

  @BeforeEach
  void start() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "late-observation-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver =
        new TopologyTestDriver(
            MonitorTopology.build(hopping(), topics, counters), props, T0.plus(Duration.ofDays(1)));
    predictions =
        driver.createInputTopic(
            topics.predictions().name(),
            Serdes.String().serializer(),
            Serdes.ByteArray().serializer());
    labels =
        driver.createInputTopic(
            topics.labels().name(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
    reports =
        driver.createOutputTopic(
            topics.calibrationReports().name(),
            Serdes.String().deserializer(),
            AvroSerde.of(CalibrationReport.class).deserializer());
    deadLetters =
        driver.createOutputTopic(
            topics.deadLetters().name(),
            Serdes.String().deserializer(),
            AvroSerde.of(DeadLetter.class).deserializer());
    ClassSet classSet =
        ClassSet.newBuilder()
            .setDeployment("default")
            .setVersion(1)
            .setCreatedAt(T0)
            .setClassNames(CLASSES)
            .build();
    driver
        .createInputTopic(
            topics.classSets().name(),
            Serdes.String().serializer(),
            AvroSerde.of(ClassSet.class).serializer())
        .pipeInput("default", classSet, T0);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private static CalibrationObservation decode(DeadLetter letter) {
    return AvroCodec.of(CalibrationObservation.class).decode(letter.getOriginalValue().array());
  }

  private static List<String> keysOf(List<DeadLetter> dead) {
    return dead.stream()
        .map(letter -> new String(letter.getOriginalKey().array(), StandardCharsets.UTF_8))
        .toList();
  }

  /** Reports of prompt version 3, group NEW (the ticks that move stream time are version 99). */
  private List<CalibrationReport> reportsOfVersion3() {
    return reports.readValuesToList().stream()
        .filter(r -> r.getPromptVersion() == 3 && r.getGroup() == CalibrationGroup.NEW)
        .toList();
  }

  private CalibrationReport finalReportOfVersion3() {
    List<CalibrationReport> finals =
        reportsOfVersion3().stream().filter(CalibrationReport::getFinal$).toList();
    assertEquals(1, finals.size(), "final reports of version 3: " + finals);
    return finals.get(0);
  }

  /**
   * A prediction of another prompt version and a label of no event: moves the watermark (the lower
   * of the two inputs' event times) without touching version 3.
   */
  private void advanceWatermarkTo(Instant time) {
    pipe(prediction("tick-" + time, time, 99));
    label("tick-label-" + time, time);
  }

  private void predict(String id, Instant eventTime) {
    pipe(prediction(id, eventTime, 3));
  }

  private void pipe(Prediction prediction) {
    predictions.pipeInput(
        prediction.getEventId(),
        AvroSerde.of(Prediction.class).serialize("predictions", prediction),
        prediction.getEventTime());
  }

  private void label(String id, Instant at) {
    Label label =
        Label.newBuilder().setEventId(id).setTrueClass("red circle").setLabelledAt(at).build();
    labels.pipeInput(id, AvroSerde.of(Label.class).serialize("labels", label), at);
  }

  private static Prediction prediction(String id, Instant eventTime, long version) {
    return Prediction.newBuilder()
        .setEventId(id)
        .setEventTime(eventTime)
        .setScoredAt(eventTime)
        .setPromptVersion(version)
        .setClassSetVersion(1)
        .setPredictedClass("red circle")
        .setConfidence(0.8)
        .setGroup(CalibrationGroup.NEW)
        .setTopK(List.of(new ClassProbability("red circle", 0.8)))
        .setEntropy(0.1)
        .setScorerId("test")
        .build();
  }
}
