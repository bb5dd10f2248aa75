package io.calmon.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.service.MetricsRegistry;
import io.calmon.service.testing.BinderMetricNames;
import io.calmon.service.testing.ScrapedMetrics;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trainer's metrics as Prometheus renders them. */
class TrainerCountersTest {

  private final TrainerCounters counters = new TrainerCounters();
  private final MetricsRegistry registry = counters.registry("shop", () -> 1);

  @Test
  void shouldDeclareEverySkipReasonAndNoTrainingYet() {
    Map<String, String> scraped = ScrapedMetrics.parse(registry.render());
    for (String reason : new String[] {"duplicate", "cooldown", "in_progress"}) {
      assertEquals(
          "0",
          scraped.get("calmon_trainer_retrain_requests_skipped_total{reason=\"" + reason + "\"}"),
          reason);
    }
    assertEquals("NaN", scraped.get("calmon_trainer_last_training_duration_seconds"));
    assertEquals("1", scraped.get("calmon_trainer_info{deployment=\"shop\"}"));
    assertTrue(
        scraped.keySet().stream().noneMatch(k -> k.startsWith("calmon_trainer_reservoir_shots")),
        "no class in the reservoir yet: " + scraped.keySet());
  }

  @Test
  void shouldServeTheSameCalmonMetricsAsBeforeMicrometer() throws Exception {
    counters.reservoirShots = Map.of("cat", 16);
    assertEquals(
        ScrapedMetrics.listedNames(TrainerCountersTest.class, "calmon-metric-names.txt"),
        ScrapedMetrics.seriesNames(registry.render(), "calmon_"));
    assertTrue(
        ScrapedMetrics.seriesNames(registry.render(), "jvm_")
            .contains(BinderMetricNames.JVM_MEMORY_USED + "{area,id}"));
  }

  @Test
  void shouldRenderShotsPerClassSkipsAndTheLastTrainingDuration() {
    counters.retrainRequests.addAndGet(4);
    counters.retrainsSkipped.get(TrainerCounters.Skip.COOLDOWN).incrementAndGet();
    counters.retrainsSkipped.get(TrainerCounters.Skip.DUPLICATE).addAndGet(2);
    counters.reservoirShots = Map.of("cat", 16, "red panda", 3);
    counters.classesReady.set(1);
    counters.lastTrainingNanos.set(2_500_000_000L);

    String text = registry.render();
    Map<String, String> scraped = ScrapedMetrics.parse(text);
    assertEquals("4", scraped.get("calmon_trainer_retrain_requests_total"));
    assertEquals(
        "1", scraped.get("calmon_trainer_retrain_requests_skipped_total{reason=\"cooldown\"}"));
    assertEquals(
        "2", scraped.get("calmon_trainer_retrain_requests_skipped_total{reason=\"duplicate\"}"));
    assertTrue(
        text.contains(
            "calmon_trainer_reservoir_shots{class=\"cat\"} 16.0\n"
                + "calmon_trainer_reservoir_shots{class=\"red panda\"} 3.0\n"),
        text);
    assertEquals("1", scraped.get("calmon_trainer_classes_ready"));
    assertEquals("2.5", scraped.get("calmon_trainer_last_training_duration_seconds"));
    assertEquals(3, counters.retrainsDeduped());
  }
}
