package io.calmon.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.monitor.topology.InputPartitions;
import io.calmon.monitor.topology.MonitorCounters;
import io.calmon.monitor.topology.MonitorTopology;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.ClassProbability;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.TextShift;
import io.calmon.service.testing.BinderMetricNames;
import io.calmon.service.testing.ScrapedMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/** What the monitor's {@code /metrics} endpoint renders, for counts only the topology can move. */
class MonitorMetricsTest {
  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  @Test
  void shouldExposeLatePredictionsByKind() {
    // Hourly tumbling windows, closed 10 min label delay + 1 min grace after their end.
    CalmonTopics topics = CalmonTopics.standard();
    MonitorCounters counters = new MonitorCounters();
    MonitorMetrics metrics = new MonitorMetrics(counters, () -> 1);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "monitor-metrics-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            MonitorTopology.build(
                MonitorConfig.defaults(), topics, InputPartitions.single(), counters, metrics),
            props,
            T0.plus(Duration.ofDays(1)))) {
      TestInputTopic<String, byte[]> predictions =
          driver.createInputTopic(
              topics.predictions().name(),
              Serdes.String().serializer(),
              Serdes.ByteArray().serializer());
      pipe(predictions, "now", T0.plus(Duration.ofMinutes(71)));
      // No label ever: after the idle timeout the labels input no longer holds the watermark.
      driver.advanceWallClockTime(MonitorConfig.defaults().idleTimeout());
      pipe(predictions, "late", T0.plus(Duration.ofMinutes(59)));
    }

    Map<String, String> scraped = ScrapedMetrics.parse(metrics.registry().render());
    assertEquals("1", scraped.get("calmon_monitor_late_observations_total{kind=\"scored\"}"));
    assertEquals("0", scraped.get("calmon_monitor_late_observations_total{kind=\"labelled\"}"));
    assertEquals(
        "0", scraped.get("calmon_monitor_partly_late_observations_total{kind=\"scored\"}"));
    assertEquals("1", scraped.get("calmon_monitor_dead_letters_total"), "once per prediction");
    assertEquals("0", scraped.get("calmon_monitor_late_parts_total"));
  }

  @Test
  void shouldServeTheListedCalmonMetrics() throws Exception {
    MonitorMetrics metrics = new MonitorMetrics(new MonitorCounters(), () -> 1);
    metrics.onReport(finalReport());
    metrics.onPromptHealth(health());
    assertEquals(
        ScrapedMetrics.listedNames(MonitorMetricsTest.class, "calmon-metric-names.txt"),
        ScrapedMetrics.seriesNames(metrics.registry().render(), "calmon_"));
    assertTrue(
        ScrapedMetrics.seriesNames(metrics.registry().render(), "jvm_")
            .contains(BinderMetricNames.JVM_MEMORY_USED + "{area,id}"));
  }

  @Test
  void shouldShowTheLatestTextShiftPerGroupAndDropAGroupNoLongerServed() {
    MonitorMetrics metrics = new MonitorMetrics(new MonitorCounters(), () -> 1);
    metrics.onPromptHealth(health());
    Map<String, String> scraped = ScrapedMetrics.parse(metrics.registry().render());
    String newRatio =
        "calmon_monitor_text_shift{deployment=\"shop\",group=\"new\",measure=\"divergence_ratio\"}";
    assertEquals(1.25, Double.parseDouble(scraped.get(newRatio)), 1e-9);
    assertEquals(
        2.0,
        Double.parseDouble(
            scraped.get(
                "calmon_monitor_text_shift{deployment=\"shop\",group=\"new\",measure=\"separation_ratio\"}")),
        1e-9);
    assertEquals(1.0, metrics.textShift("shop", "base", "divergence_ratio"), 1e-9);

    PromptHealth onlyNew = health();
    onlyNew.setBaseClasses(null);
    metrics.onPromptHealth(onlyNew);
    assertEquals(null, metrics.textShift("shop", "base", "divergence_ratio"));
    assertEquals(1.25, metrics.textShift("shop", "new", "divergence_ratio"), 1e-9);
  }

  private static PromptHealth health() {
    return PromptHealth.newBuilder()
        .setDeployment("shop")
        .setPromptVersion(3)
        .setClassSetVersion(2)
        .setMethod("coop")
        .setMeasuredAt(T0)
        .setMeasuredBy("s-0")
        .setBaseClasses(new TextShift(5, 0.4, 0.4, 0.2, 0.2, 0.05))
        .setNewClasses(new TextShift(5, 0.5, 0.4, 0.2, 0.1, 0.08))
        .build();
  }

  @Test
  void shouldShowTheConfidenceLiftOfTheLatestWindowProvisionalOrFinal() {
    MonitorMetrics metrics = new MonitorMetrics(new MonitorCounters(), () -> 1);
    CalibrationReport later = CalibrationReport.newBuilder(finalReport()).build();
    later.setFinal$(false);
    later.setWindowStart(T0.plus(Duration.ofHours(1)));
    later.setWindowEnd(T0.plus(Duration.ofHours(2)));
    later.setConfidenceLift(0.2);
    metrics.onReport(later);
    metrics.onReport(finalReport()); // an earlier window's final report, read after
    String series =
        "calmon_monitor_confidence_lift{deployment=\"default\",group=\"new\",prompt_version=\"3\"}";
    assertEquals("0.2", ScrapedMetrics.parse(metrics.registry().render()).get(series));
  }

  private static CalibrationReport finalReport() {
    return CalibrationReport.newBuilder()
        .setDeployment("default")
        .setPromptVersion(3)
        .setGroup(CalibrationGroup.NEW)
        .setWindowStart(T0)
        .setWindowEnd(T0.plus(Duration.ofHours(1)))
        .setEmittedAt(T0.plus(Duration.ofHours(1)))
        .setFinal$(true)
        .setScoredCount(200)
        .setLabelledCount(150)
        .setAccuracy(0.7)
        .setMeanConfidence(0.8)
        .setEce(0.1)
        .setEceCiLow(0.05)
        .setEceCiHigh(0.15)
        .setAce(0.1)
        .setMce(0.1)
        .setMceWeighted(0.1)
        .setBinCount(15)
        .setBins(List.of())
        .setLiftCount(200)
        .setConfidenceLift(0.12)
        .build();
  }

  private static void pipe(TestInputTopic<String, byte[]> topic, String id, Instant eventTime) {
    Prediction prediction =
        Prediction.newBuilder()
            .setEventId(id)
            .setEventTime(eventTime)
            .setScoredAt(eventTime)
            .setPromptVersion(1)
            .setClassSetVersion(1)
            .setPredictedClass("red circle")
            .setConfidence(0.8)
            .setGroup(CalibrationGroup.NEW)
            .setTopK(List.of(new ClassProbability("red circle", 0.8)))
            .setEntropy(0.1)
            .setScorerId("test")
            .build();
    topic.pipeInput(
        id, AvroSerde.of(Prediction.class).serialize("predictions", prediction), eventTime);
  }
}
