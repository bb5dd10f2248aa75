package io.calmon.core.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdaptiveCalibrationErrorTest {

  @Test
  void shouldCutSortedRowsIntoGroupsLargerFirst() {
    // Sorted: 0.0 F, 0.1 F, 0.2 T, 0.3 T, 0.5 F, 0.9 T, 1.0 T. N = 7 = 1 * 5 + 2: sizes 2,2,1,1,1.
    //   {0.0 F, 0.1 F}: |0 - 0.1| = 0.1     {0.2 T, 0.3 T}: |2 - 0.5| = 1.5
    //   {0.5 F}: 0.5    {0.9 T}: 0.1    {1.0 T}: 0
    // ACE = (0.1 + 1.5 + 0.5 + 0.1 + 0) / 7 = 2.2 / 7
    TopLabelRows rows = Rows.top(0.1, 0, 0.2, 1, 0.3, 1, 0.5, 0, 0.9, 1, 1.0, 1, 0.0, 0);
    assertEquals(2.2 / 7.0, AdaptiveCalibrationError.of(rows, 5), 1e-15);
  }

  @Test
  void shouldSkipEmptyGroupsWhenFewerRowsThanBins() {
    // N = 2 < M = 15: two groups of one row each. |1 - 0.6| + |0 - 0.3| = 0.7, / 2 = 0.35.
    TopLabelRows rows = Rows.top(0.6, 1, 0.3, 0);
    assertEquals(0.35, AdaptiveCalibrationError.of(rows, 15), 1e-15);
  }

  @Test
  void shouldKeepRowOrderAmongEqualConfidences() {
    // Four rows at 0.5: T, T, F, F; M = 2. Stable order: {T, T} gap |2 - 1| = 1, {F, F} gap 1.
    // ACE = 2 / 4 = 0.5. An unstable sort could pair T with F and give 0.
    TopLabelRows rows = Rows.top(0.5, 1, 0.5, 1, 0.5, 0, 0.5, 0);
    assertEquals(0.5, AdaptiveCalibrationError.of(rows, 2), 1e-15);
    assertEquals(0.0, ExpectedCalibrationError.of(rows, 2), 1e-15);
  }

  @Test
  void shouldEqualEceWithOneBin() {
    SplittableRandom rng = new SplittableRandom(3);
    TopLabelRows rows = Rows.random(rng, 500, 0);
    assertEquals(ExpectedCalibrationError.of(rows, 1), AdaptiveCalibrationError.of(rows, 1), 1e-12);
  }

  @Test
  void shouldSizeGroupsLargerFirst() {
    assertEquals(2, AdaptiveCalibrationError.groupSize(7, 5, 0));
    assertEquals(2, AdaptiveCalibrationError.groupSize(7, 5, 1));
    assertEquals(1, AdaptiveCalibrationError.groupSize(7, 5, 2));
    assertEquals(0, AdaptiveCalibrationError.groupSize(2, 15, 2));
  }

  @Test
  void shouldBeExactFromFineBinsWhenNoBinIsCut() {
    // One row per fine bin: no group boundary falls inside a bin, the estimate is exact.
    TopLabelRows rows = Rows.top(0.05, 0, 0.15, 1, 0.25, 1, 0.35, 0, 0.45, 1, 0.55, 1);
    AdaptiveCalibrationError.Approximation estimate = approximate(rows, 3, 20);
    assertEquals(AdaptiveCalibrationError.of(rows, 3), estimate.value(), 1e-15);
    assertTrue(estimate.errorBound() < 1e-11);
  }

  @Test
  void shouldStayWithinItsErrorBoundFromFineBins() {
    SplittableRandom rng = new SplittableRandom(11);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + rng.nextInt(2000);
      int bins = 1 + rng.nextInt(20);
      int fine = bins * (1 + rng.nextInt(30));
      TopLabelRows rows =
          switch (trial % 3) {
            case 0 -> Rows.random(rng, n, 0);
            case 1 -> Rows.random(rng, n, 40); // ties and exact edges
            default -> Rows.overconfident(rng, n);
          };
      AdaptiveCalibrationError.Approximation estimate = approximate(rows, bins, fine);
      double exact = AdaptiveCalibrationError.of(rows, bins);
      assertTrue(
          Math.abs(exact - estimate.value()) <= estimate.errorBound(),
          "trial " + trial + ": exact " + exact + ", estimate " + estimate);
    }
  }

  @Test
  void shouldTightenTheBoundWithFinerBins() {
    TopLabelRows rows = Rows.random(new SplittableRandom(5), 5000, 0);
    double coarse = approximate(rows, 15, 15).errorBound();
    double fine = approximate(rows, 15, 15 * 100).errorBound();
    assertTrue(fine < coarse / 10, "coarse " + coarse + ", fine " + fine);
  }

  private static AdaptiveCalibrationError.Approximation approximate(
      TopLabelRows rows, int groups, int fine) {
    long[] counts = new long[fine];
    double[] sums = new double[fine];
    long[] correct = new long[fine];
    for (int i = 0; i < rows.size(); i++) {
      int f = EqualWidthBins.index(rows.confidence(i), fine);
      counts[f]++;
      sums[f] += rows.confidence(i);
      correct[f] += rows.correct(i) ? 1 : 0;
    }
    return AdaptiveCalibrationError.approximate(counts, sums, correct, groups);
  }
}
