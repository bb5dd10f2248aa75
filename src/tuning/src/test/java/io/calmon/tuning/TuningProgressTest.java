package io.calmon.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TuningProgressTest {

  @Test
  void shouldPassOnTheFirstAndLastEpochAndAtMostOneEpochPerIntervalBetween() {
    List<Integer> told = new ArrayList<>();
    TuningProgress progress =
        TuningProgress.throttled(
            Duration.ofSeconds(10), (epoch, epochs, lr, terms, elapsed) -> told.add(epoch));
    // Two runs through the same progress, one epoch every 3 s: epochs 1, 5 (12 s), 9 (24 s), 10.
    for (int run = 0; run < 2; run++) {
      for (int epoch = 1; epoch <= 10; epoch++) {
        progress.epoch(epoch, 10, 0.1, Map.of(), Duration.ofSeconds(3L * (epoch - 1)));
      }
    }
    assertEquals(List.of(1, 5, 9, 10, 1, 5, 9, 10), told);
  }
}
