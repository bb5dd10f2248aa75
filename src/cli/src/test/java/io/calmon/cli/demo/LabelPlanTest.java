package io.calmon.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LabelPlanTest {
  private final LabelPlan plan =
      new LabelPlan(0.8, Duration.ofSeconds(2), Duration.ofSeconds(6), 42);

  @Test
  void shouldLabelTheConfiguredShareWithinTheDelayRange() {
    int labelled = 0;
    for (long i = 0; i < 10_000; i++) {
      Optional<Duration> delay = plan.delayOf(i);
      if (delay.isPresent()) {
        labelled++;
        assertTrue(delay.get().compareTo(Duration.ofSeconds(2)) >= 0, delay.get().toString());
        assertTrue(delay.get().compareTo(Duration.ofSeconds(6)) <= 0, delay.get().toString());
      }
    }
    // Binomial(10000, 0.8): sd 40.
    assertTrue(Math.abs(labelled - 8000) < 200, "labelled " + labelled);
  }

  @Test
  void shouldDecideEachEventFromTheSeedAlone() {
    for (long i = 0; i < 100; i++) {
      assertEquals(plan.delayOf(i), plan.delayOf(i));
    }
  }

  @Test
  void shouldRejectAnImpossiblePlan() {
    assertThrows(
        IllegalArgumentException.class, () -> new LabelPlan(1.2, Duration.ZERO, Duration.ZERO, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LabelPlan(0.5, Duration.ofSeconds(5), Duration.ofSeconds(1), 1));
  }
}
