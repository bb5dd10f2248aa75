package io.calmon.core.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EceNoiseFloorTest {

  /** One bin of {@code n} predictions at confidence {@code c} (two bins: [0, .5), [.5, 1]). */
  private static ReliabilityDiagram oneBin(long n, double c) {
    return ReliabilityDiagram.fromSums(
        new long[] {0, n}, new double[] {0, n * c}, new long[] {0, 0});
  }

  @Test
  void shouldMatchHandComputedCases() {
    // n = 1 at 0.5: a calibrated redraw is right or wrong, |1 - .5| = |0 - .5|: always 0.5.
    assertEquals(0.5, EceNoiseFloor.of(oneBin(1, 0.5), 2000, 0.95, 1), 1e-12);
    // n = 2 at 0.5: k = 1 (p 1/2) gives 0, k = 0 or 2 gives 0.5. Half the redraws are 0.
    assertEquals(0.5, EceNoiseFloor.of(oneBin(2, 0.5), 10_000, 0.95, 1), 1e-12);
    assertEquals(0.0, EceNoiseFloor.of(oneBin(2, 0.5), 10_000, 0.3, 1), 1e-12);
    // Confidence 1: a calibrated model is always right; no noise at all.
    assertEquals(0.0, EceNoiseFloor.of(oneBin(500, 1.0), 100, 0.95, 1), 1e-12);
  }

  @Test
  void shouldShrinkWithTheSampleSize() {
    double small = EceNoiseFloor.of(oneBin(50, 0.8), 4000, 0.95, 3);
    double large = EceNoiseFloor.of(oneBin(5000, 0.8), 4000, 0.95, 3);
    // |k/n - .8| with k ~ Binomial(n, .8): its 95% quantile is about 1.96 sd = 1.96 * 0.4 /
    // sqrt(n).
    assertEquals(1.96 * 0.4 / Math.sqrt(50), small, 0.02);
    assertEquals(1.96 * 0.4 / Math.sqrt(5000), large, 0.002);
  }

  @Test
  void shouldBeExceededByCalibratedSamplesAboutOneTimeInTwenty() {
    Random rng = new Random(11);
    int exceeded = 0;
    int trials = 400;
    for (int t = 0; t < trials; t++) {
      double[] conf = new double[60];
      boolean[] correct = new boolean[60];
      for (int i = 0; i < conf.length; i++) {
        conf[i] = 0.5 + 0.5 * rng.nextDouble();
        correct[i] = rng.nextDouble() < conf[i];
      }
      ReliabilityDiagram d = ReliabilityDiagram.of(new TopLabelRows(conf, correct), 15);
      if (d.ece() > EceNoiseFloor.of(d, 400, 0.95, t)) {
        exceeded++;
      }
    }
    // Expected 5% (20 of 400); the binomial spread is about 4.4. The ECE itself is 5-15% here.
    assertTrue(exceeded >= 5 && exceeded <= 40, exceeded + " of " + trials);
  }

  @Test
  void shouldBeExceededByAnOverconfidentModel() {
    double[] conf = new double[60];
    boolean[] correct = new boolean[60];
    for (int i = 0; i < conf.length; i++) {
      conf[i] = 0.95;
      correct[i] = i % 5 < 3; // 60% right at 95% confidence
    }
    ReliabilityDiagram d = ReliabilityDiagram.of(new TopLabelRows(conf, correct), 15);
    double floor = EceNoiseFloor.of(d, 1000, 0.95, 7);
    assertTrue(d.ece() > 0.3 && floor < 0.1, "ece " + d.ece() + " floor " + floor);
  }

  @Test
  void shouldRepeatWithTheSameSeedAndRejectBadSettings() {
    ReliabilityDiagram d = oneBin(40, 0.7);
    assertEquals(EceNoiseFloor.of(d, 300, 0.95, 5), EceNoiseFloor.of(d, 300, 0.95, 5));
    assertThrows(IllegalArgumentException.class, () -> EceNoiseFloor.of(d, 0, 0.95, 5));
    assertThrows(IllegalArgumentException.class, () -> EceNoiseFloor.of(d, 10, 1.0, 5));
    assertThrows(
        IllegalArgumentException.class, () -> EceNoiseFloor.of(oneBin(0, 0.5), 10, 0.9, 5));
  }
}
