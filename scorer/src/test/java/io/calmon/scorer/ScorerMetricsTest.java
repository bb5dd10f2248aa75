package io.calmon.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.service.MetricsRegistry;
import io.calmon.service.testing.BinderMetricNames;
import io.calmon.service.testing.ScrapedMetrics;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scorer's metrics as Prometheus renders them: names, labels, histogram buckets. */
class ScorerMetricsTest {

  private final ScorerMetrics metrics = new ScorerMetrics();
  private final MetricsRegistry registry =
      metrics.registry(
          ScorerConfig.builder()
              .setBootstrapServers("unused:9092")
              .optDeployment("shop")
              .optInstanceId("s-1")
              .build(),
          () -> 1);

  @Test
  void shouldStartWithNothingServedAndNoObservations() {
    Map<String, String> s = MetricsScrape.parse(registry.render());
    assertEquals("0", s.get("calmon_scorer_events_in_total"));
    assertEquals("0", s.get("calmon_scorer_predictions_out_total"));
    assertEquals("-1", s.get("calmon_scorer_prompt_version"));
    assertEquals("-1", s.get("calmon_scorer_class_set_version"));
    assertEquals("0", s.get("calmon_scorer_batch_size_count"));
    assertEquals("0", s.get("calmon_scorer_event_to_prediction_seconds_bucket{le=\"+Inf\"}"));
    assertEquals("1", s.get("calmon_scorer_info{deployment=\"shop\",instance_id=\"s-1\"}"));
    assertEquals("1", s.get("calmon_scorer_running"));
    assertFalse(
        registry.render().contains("calmon_scorer_dead_letters_total"),
        "a labelled family shows from its first series on");
  }

  @Test
  void shouldServeTheSameCalmonMetricsAsBeforeMicrometer() throws Exception {
    metrics.deadLetter("CORRUPT_IMAGE");
    metrics.promptRefused("WEIGHTS_MISMATCH");
    assertEquals(
        ScrapedMetrics.listedNames(ScorerMetricsTest.class, "calmon-metric-names.txt"),
        ScrapedMetrics.seriesNames(registry.render(), "calmon_"));
  }

  @Test
  void shouldServeTheJvmMetricsToo() {
    assertTrue(
        ScrapedMetrics.seriesNames(registry.render(), "jvm_")
            .contains(BinderMetricNames.JVM_MEMORY_USED + "{area,id}"));
  }

  @Test
  void shouldRenderCountsByReasonBatchSizesAndLatencyBuckets() {
    metrics.eventsIn(5);
    metrics.batch(3);
    metrics.batch(2);
    metrics.predictionOut(4); // 4 ms: the 5 ms bucket
    metrics.predictionOut(1500); // 1.5 s: the 2 s bucket
    metrics.predictionOut(-20); // an event time ahead of the clock counts as 0
    metrics.deadLetter("CORRUPT_IMAGE");
    metrics.deadLetter("CORRUPT_IMAGE");
    metrics.promptRefused("WEIGHTS_MISMATCH");
    metrics.transactionAborted();

    Map<String, String> s = MetricsScrape.parse(registry.render());
    assertEquals("5", s.get("calmon_scorer_events_in_total"));
    assertEquals("3", s.get("calmon_scorer_predictions_out_total"));
    assertEquals("2", s.get("calmon_scorer_dead_letters_total{reason=\"CORRUPT_IMAGE\"}"));
    assertEquals(
        "1", s.get("calmon_scorer_prompt_versions_refused_total{reason=\"WEIGHTS_MISMATCH\"}"));
    assertEquals("1", s.get("calmon_scorer_transactions_aborted_total"));

    assertEquals("0", s.get("calmon_scorer_batch_size_bucket{le=\"1.0\"}"));
    assertEquals("1", s.get("calmon_scorer_batch_size_bucket{le=\"2.0\"}"));
    assertEquals("2", s.get("calmon_scorer_batch_size_bucket{le=\"4.0\"}"));
    assertEquals("2", s.get("calmon_scorer_batch_size_bucket{le=\"4096.0\"}"));
    assertEquals("2", s.get("calmon_scorer_batch_size_bucket{le=\"+Inf\"}"));
    assertEquals("5", s.get("calmon_scorer_batch_size_sum"));
    assertEquals("2", s.get("calmon_scorer_batch_size_count"));
    assertEquals("3", s.get("calmon_scorer_batch_size_max"));

    String latency = "calmon_scorer_event_to_prediction_seconds";
    assertEquals("1", s.get(latency + "_bucket{le=\"0.001\"}"));
    assertEquals("1", s.get(latency + "_bucket{le=\"0.002\"}"));
    assertEquals("2", s.get(latency + "_bucket{le=\"0.005\"}"));
    assertEquals("2", s.get(latency + "_bucket{le=\"1.0\"}"));
    assertEquals("3", s.get(latency + "_bucket{le=\"2.0\"}"));
    assertEquals("3", s.get(latency + "_bucket{le=\"10000.0\"}"));
    assertEquals("3", s.get(latency + "_count"));
    assertEquals(1.504, Double.parseDouble(s.get(latency + "_sum")), 1e-12);
    assertEquals(5, metrics.latencyQuantileMillis(0.5));
    assertEquals(2000, metrics.latencyQuantileMillis(0.99));
  }
}
