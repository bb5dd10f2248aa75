package io.calmon.core.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EqualWidthBinsTest {

  @Test
  void shouldPutZeroInTheFirstBinAndOneInTheLast() {
    assertEquals(0, EqualWidthBins.index(0.0, 15));
    assertEquals(14, EqualWidthBins.index(1.0, 15));
    assertEquals(0, EqualWidthBins.index(0.0, 1));
    assertEquals(0, EqualWidthBins.index(1.0, 1));
  }

  @Test
  void shouldPutAnUpperEdgeInTheBinBelowIt() {
    // (0, 0.2] is bin 0 with M = 5: the literal 0.2 is the double edge 1.0 / 5.
    assertEquals(0, EqualWidthBins.index(0.2, 5));
    assertEquals(1, EqualWidthBins.index(Math.nextUp(0.2), 5));
    assertEquals(1, EqualWidthBins.index(0.4, 5));
    // 0.1 * 3 = 0.30000000000000004 lies above the edge 0.3, so it starts bin 3 of 10.
    assertEquals(2, EqualWidthBins.index(0.3, 10));
    assertEquals(3, EqualWidthBins.index(0.1 * 3, 10));
    assertEquals(14, EqualWidthBins.index(Math.nextUp(14.0 / 15), 15));
    assertEquals(13, EqualWidthBins.index(14.0 / 15, 15));
  }

  @Test
  void shouldPutEveryEdgeAndItsNeighboursInTheRightBin() {
    for (int bins = 1; bins <= 200; bins++) {
      for (int m = 1; m <= bins; m++) {
        double edge = (double) m / bins;
        assertEquals(m - 1, EqualWidthBins.index(edge, bins), "edge " + m + "/" + bins);
        assertEquals(m - 1, EqualWidthBins.index(Math.nextDown(edge), bins));
        if (m < bins) {
          assertEquals(m, EqualWidthBins.index(Math.nextUp(edge), bins));
        }
      }
    }
  }

  @Test
  void shouldNestFineBinsExactlyInsideCoarseBins() {
    SplittableRandom rng = new SplittableRandom(7);
    int[] coarse = {1, 3, 5, 10, 15, 20};
    int[] factors = {1, 2, 7, 20, 100};
    for (int bins : coarse) {
      for (int r : factors) {
        for (int i = 0; i < 2000; i++) {
          // Half the values sit exactly on or next to a fine edge, where rounding bites.
          double v =
              i % 2 == 0 ? rng.nextDouble() : (double) rng.nextInt(bins * r + 1) / (bins * r);
          if (i % 4 == 1) {
            v = Math.min(1.0, Math.nextUp(v));
          }
          assertEquals(
              EqualWidthBins.index(v, bins),
              EqualWidthBins.index(v, bins * r) / r,
              "value " + v + ", " + bins + "x" + r);
        }
      }
    }
  }

  @Test
  void shouldReportTheEdgesItBinsBy() {
    assertEquals(0.0, EqualWidthBins.lower(0, 5));
    assertEquals(0.2, EqualWidthBins.upper(0, 5));
    assertEquals(0.8, EqualWidthBins.lower(4, 5));
    assertEquals(1.0, EqualWidthBins.upper(4, 5));
  }

  @Test
  void shouldRejectValuesOutsideTheUnitIntervalAndNaN() {
    assertThrows(IllegalArgumentException.class, () -> EqualWidthBins.index(-0.1, 5));
    assertThrows(IllegalArgumentException.class, () -> EqualWidthBins.index(1.0001, 5));
    assertThrows(IllegalArgumentException.class, () -> EqualWidthBins.index(Double.NaN, 5));
    assertThrows(IllegalArgumentException.class, () -> EqualWidthBins.index(0.5, 0));
  }
}
