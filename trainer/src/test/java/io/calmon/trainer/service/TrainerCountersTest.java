package io.calmon.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.service.MetricsRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trainer's metrics as Prometheus renders them. */
class TrainerCountersTest {

  private final TrainerCounters counters = new TrainerCounters();
  private final MetricsRegistry registry = counters.registry("shop", () -> 1);

  @Test
  void shouldDeclareEverySkipReasonAndNoTrainingYet() {
    String text = registry.render();
    for (String reason : new String[] {"duplicate", "cooldown", "in_progress"}) {
      assertTrue(
          text.contains(
              "calmon_trainer_retrain_requests_skipped_total{reason=\"" + reason + "\"} 0\n"),
          text);
    }
    assertTrue(text.contains("calmon_trainer_last_training_duration_seconds NaN\n"), text);
    assertTrue(text.contains("calmon_trainer_info{deployment=\"shop\"} 1\n"), text);
    assertTrue(text.contains("# TYPE calmon_trainer_reservoir_shots gauge\n"), text);
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
    assertTrue(text.contains("calmon_trainer_retrain_requests_total 4\n"), text);
    assertTrue(
        text.contains("calmon_trainer_retrain_requests_skipped_total{reason=\"cooldown\"} 1\n"),
        text);
    assertTrue(
        text.contains("calmon_trainer_retrain_requests_skipped_total{reason=\"duplicate\"} 2\n"),
        text);
    assertTrue(
        text.contains(
            "calmon_trainer_reservoir_shots{class=\"cat\"} 16\n"
                + "calmon_trainer_reservoir_shots{class=\"red panda\"} 3\n"),
        text);
    assertTrue(text.contains("calmon_trainer_classes_ready 1\n"), text);
    assertTrue(text.contains("calmon_trainer_last_training_duration_seconds 2.5\n"), text);
    assertEquals(3, counters.retrainsDeduped());
  }
}
