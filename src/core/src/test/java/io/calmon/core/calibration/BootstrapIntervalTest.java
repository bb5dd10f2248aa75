package io.calmon.core.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BootstrapIntervalTest {

  @Test
  void shouldInterpolateQuantilesBetweenOrderStatistics() {
    double[] sorted = {0.0, 1.0, 2.0, 3.0, 4.0};
    // h = q (n - 1): q = 0.025 -> h = 0.1 -> 0.1; q = 0.975 -> h = 3.9 -> 3.9
    assertEquals(0.1, BootstrapInterval.quantile(sorted, 0.025), 1e-15);
    assertEquals(3.9, BootstrapInterval.quantile(sorted, 0.975), 1e-15);
    assertEquals(2.0, BootstrapInterval.quantile(sorted, 0.5), 1e-15);
  }

  @Test
  void shouldBeRepeatableForTheSameSeedAndMoveWithAnother() {
    TopLabelRows rows = Rows.random(new SplittableRandom(1), 300, 0);
    BootstrapInterval a = BootstrapInterval.ofEce(rows, 15, 200, 0.95, 7);
    BootstrapInterval b = BootstrapInterval.ofEce(rows, 15, 200, 0.95, 7);
    BootstrapInterval c = BootstrapInterval.ofEce(rows, 15, 200, 0.95, 8);
    assertEquals(a, b);
    assertNotEquals(a, c);
  }

  @Test
  void shouldCollapseToZeroWhenEveryRowIsPerfectlyCalibrated() {
    TopLabelRows rows = Rows.top(1.0, 1, 1.0, 1, 0.0, 0, 0.0, 0);
    assertEquals(
        new BootstrapInterval(0.0, 0.0, 0.95, 100),
        BootstrapInterval.ofEce(rows, 15, 100, 0.95, 1));
    assertEquals(
        new BootstrapInterval(0.0, 0.0, 0.95, 100),
        BootstrapInterval.ofEce(ReliabilityDiagram.of(rows, 15), 100, 0.95, 1));
  }

  @Test
  void shouldBracketTheEceOfAMiscalibratedModel() {
    // Confidence 0.9 everywhere, 60% correct: ECE 0.3, bootstrap spread about sqrt(.24/2000).
    double[] pairs = new double[4000];
    for (int i = 0; i < 2000; i++) {
      pairs[2 * i] = 0.9;
      pairs[2 * i + 1] = i % 5 < 3 ? 1 : 0;
    }
    TopLabelRows rows = Rows.top(pairs);
    for (BootstrapInterval interval :
        new BootstrapInterval[] {
          BootstrapInterval.ofEce(rows, 15, 1000, 0.95, 3),
          BootstrapInterval.ofEce(ReliabilityDiagram.of(rows, 15), 1000, 0.95, 3)
        }) {
      assertTrue(interval.low() < 0.3 && 0.3 < interval.high(), interval.toString());
      assertTrue(interval.high() - interval.low() < 0.06, interval.toString());
      assertTrue(interval.low() > 0.25, interval.toString());
    }
  }

  @Test
  void shouldDrawBinomialsWithTheRightMeanAndVariance() {
    SplittableRandom rng = new SplittableRandom(5);
    // One case per sampling path: Bernoulli, inversion, normal approximation, flipped p.
    long[] ns = {20, 1000, 100_000, 1000};
    double[] ps = {0.3, 0.01, 0.4, 0.995};
    for (int c = 0; c < ns.length; c++) {
      int draws = 20_000;
      double sum = 0;
      double sumSq = 0;
      for (int i = 0; i < draws; i++) {
        long k = BinomialSampler.binomial(rng, ns[c], ps[c]);
        assertTrue(k >= 0 && k <= ns[c]);
        sum += k;
        sumSq += (double) k * k;
      }
      double mean = sum / draws;
      double variance = sumSq / draws - mean * mean;
      double expectedVariance = ns[c] * ps[c] * (1 - ps[c]);
      // Mean within 5 standard errors; variance within 10%.
      assertEquals(ns[c] * ps[c], mean, 5 * Math.sqrt(expectedVariance / draws), "case " + c);
      assertEquals(expectedVariance, variance, 0.1 * expectedVariance, "case " + c);
    }
  }

  @Test
  void shouldDrawMultinomialsThatSumToTheTotal() {
    SplittableRandom rng = new SplittableRandom(6);
    long[] counts = {5, 0, 100, 3, 0};
    long[] out = new long[5];
    for (int i = 0; i < 100; i++) {
      BinomialSampler.multinomial(rng, counts, 108, out);
      assertEquals(108, out[0] + out[1] + out[2] + out[3] + out[4]);
      assertEquals(0, out[1]);
      assertEquals(0, out[4]);
    }
  }

  @Test
  void shouldRejectBadSettings() {
    TopLabelRows rows = Rows.top(0.5, 1);
    assertThrows(
        IllegalArgumentException.class, () -> BootstrapInterval.ofEce(rows, 15, 0, 0.95, 1));
    assertThrows(
        IllegalArgumentException.class, () -> BootstrapInterval.ofEce(rows, 15, 10, 1.0, 1));
    assertThrows(
        IllegalArgumentException.class, () -> BootstrapInterval.ofEce(rows, 0, 10, 0.9, 1));
  }
}
