package io.calmon.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BucketHistogramTest {

  @Test
  void shouldPutAValueOnABoundInThatBoundsBucket() {
    BucketHistogram h = new BucketHistogram(1, 2, 5);
    for (double v : new double[] {-3, 0.5, 1, 1.5, 2, 5, 5.01, 100}) {
      h.observe(v);
    }
    BucketHistogram.Snapshot s = h.snapshot();
    assertArrayEquals(new long[] {3, 2, 1, 2}, s.counts());
    assertEquals(8, s.count());
    assertEquals(-3 + 0.5 + 1 + 1.5 + 2 + 5 + 5.01 + 100, s.sum(), 1e-12);
  }

  @Test
  void shouldIgnoreNaN() {
    BucketHistogram h = new BucketHistogram(1);
    h.observe(Double.NaN);
    assertEquals(0, h.snapshot().count());
    assertTrue(Double.isNaN(h.snapshot().quantileUpperBound(0.5)));
  }

  @Test
  void shouldGiveTheUpperBoundOfTheQuantilesBucket() {
    BucketHistogram h = new BucketHistogram(1, 2, 5);
    for (int i = 0; i < 98; i++) {
      h.observe(0.5);
    }
    h.observe(3);
    h.observe(50);
    assertEquals(1, h.snapshot().quantileUpperBound(0.5));
    assertEquals(5, h.snapshot().quantileUpperBound(0.99));
    assertEquals(Double.POSITIVE_INFINITY, h.snapshot().quantileUpperBound(1.0));
  }

  @Test
  void shouldBuildOneTwoFiveAndPowerOfTwoBounds() {
    assertArrayEquals(
        new double[] {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1},
        BucketHistogram.oneTwoFive(0.001, 1));
    assertArrayEquals(new double[] {2, 5, 10, 20}, BucketHistogram.oneTwoFive(2, 40));
    assertEquals(22, BucketHistogram.oneTwoFive(0.001, 10_000).length);
    assertArrayEquals(new double[] {1, 2, 4, 8, 16}, BucketHistogram.powersOfTwo(16));
    assertArrayEquals(new double[] {1, 2, 4, 8, 16}, BucketHistogram.powersOfTwo(31));
  }

  @Test
  void shouldRefuseBoundsThatDoNotIncrease() {
    assertThrows(IllegalArgumentException.class, BucketHistogram::new);
    assertThrows(IllegalArgumentException.class, () -> new BucketHistogram(1, 1));
    assertThrows(IllegalArgumentException.class, () -> new BucketHistogram(1, Double.NaN));
  }
}
