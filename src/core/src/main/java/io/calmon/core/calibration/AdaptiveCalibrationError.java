package io.calmon.core.calibration;

import java.util.Arrays;

/**
 * Adaptive calibration error: the ECE formula over M equal-mass bins instead of equal-width ones.
 *
 * <p>Rows are sorted by confidence, ascending and stable (equal confidences keep row order), then
 * cut into M consecutive groups whose sizes differ by at most one, the larger groups first: with
 * {@code N = q M + r}, the first r groups hold q + 1 rows and the others q. When {@code N < M} the
 * last {@code M - N} groups are empty and skipped. Then
 *
 * <pre>
 *   ACE = sum over non-empty groups g of (n_g / N) * |acc_g - conf_g|
 *       = (1/N) * sum over g of |correct_g - confidenceSum_g|
 * </pre>
 *
 * <p>{@link #approximate} estimates ACE from fine equal-width bins alone (what a {@link
 * CalibrationSketch} keeps) and bounds its own error; see there.
 */
public final class AdaptiveCalibrationError {

  private AdaptiveCalibrationError() {}

  /**
   * An ACE estimated from fine bins, with a guaranteed bound on its distance to the exact ACE of
   * the rows those bins summarise.
   *
   * @param value the estimate
   * @param errorBound {@code |exact - value| <= errorBound}
   */
  public record Approximation(double value, double errorBound) {}

  /**
   * Exact ACE of top-label rows over {@code groups} equal-mass groups.
   *
   * @throws IllegalArgumentException if there are no rows or groups is below 1
   */
  public static double of(TopLabelRows rows, int groups) {
    if (groups < 1) {
      throw new IllegalArgumentException("bins must be at least 1, got " + groups);
    }
    int n = rows.size();
    if (n == 0) {
      throw new IllegalArgumentException("no rows to bin");
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // Arrays.sort on objects is a stable merge sort: ties keep row order.
    Arrays.sort(order, (a, b) -> Double.compare(rows.confidence(a), rows.confidence(b)));
    double[] counts = new double[groups];
    double[] confidenceSums = new double[groups];
    double[] correctSums = new double[groups];
    int rank = 0;
    for (int g = 0; g < groups; g++) {
      long size = groupSize(n, groups, g);
      for (int j = 0; j < size; j++, rank++) {
        int row = order[rank];
        counts[g]++;
        confidenceSums[g] += rows.confidence(row);
        if (rows.correct(row)) {
          correctSums[g]++;
        }
      }
    }
    return ExpectedCalibrationError.fromSums(counts, confidenceSums, correctSums);
  }

  /** Size of group g when n rows are cut into {@code groups} groups, larger groups first. */
  static long groupSize(long n, int groups, int g) {
    long q = n / groups;
    long r = n % groups;
    return g < r ? q + 1 : q;
  }

  /**
   * Estimates ACE from F fine equal-width bins (per bin: count, confidence sum, correct count).
   *
   * <p>Group sizes depend only on N, and sorted order agrees with bin order, so each group takes
   * exactly the right number of rows from each bin; only a bin that a group boundary cuts through
   * is unknown inside, and it is split pro rata (a group taking k of its n_b rows gets k/n_b of its
   * confidence sum and of its correct count). For such a bin, the confidence misallocation summed
   * over groups is at most {@code n_b * w_b} (each confidence lies in the bin, of width {@code
   * w_b}), and the correct misallocation at most {@code 2 min(C_b, n_b - C_b)}. Since ACE is {@code
   * (1/N) sum_g |correct_g - confidenceSum_g|} with exact group sizes,
   *
   * <pre>
   *   |ACE - estimate| <= (1/N) * sum over cut bins b of (2 min(C_b, n_b - C_b) + n_b w_b)
   * </pre>
   *
   * which is the returned bound (plus 1e-12 for rounding). At most M - 1 bins are cut, so the bound
   * is also at most {@code (M - 1)(1 + 1/F)} times the largest share of rows in one fine bin: fine
   * bins make it small unless confidences pile up in one place.
   *
   * @param counts rows per fine bin
   * @param confidenceSums confidence sum per fine bin
   * @param correctCounts correct rows per fine bin
   * @param groups the number of equal-mass groups M
   */
  public static Approximation approximate(
      long[] counts, double[] confidenceSums, long[] correctCounts, int groups) {
    if (groups < 1) {
      throw new IllegalArgumentException("bins must be at least 1, got " + groups);
    }
    int fine = counts.length;
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    if (n == 0) {
      throw new IllegalArgumentException("no rows to bin");
    }
    double[] gCounts = new double[groups];
    double[] gConfidence = new double[groups];
    double[] gCorrect = new double[groups];
    double bound = 0.0;
    int b = 0;
    long takenFromBin = 0; // rows of bin b already given to earlier groups
    boolean binCut = false; // whether bin b is shared by more than one group
    for (int g = 0; g < groups; g++) {
      long need = groupSize(n, groups, g);
      while (need > 0) {
        while (counts[b] - takenFromBin == 0) {
          b++;
          takenFromBin = 0;
          binCut = false;
        }
        long take = Math.min(counts[b] - takenFromBin, need);
        double share = (double) take / counts[b];
        gCounts[g] += take;
        gConfidence[g] += confidenceSums[b] * share;
        gCorrect[g] += correctCounts[b] * share;
        if (takenFromBin > 0 && !binCut) {
          binCut = true;
          long nb = counts[b];
          long cb = correctCounts[b];
          double width = EqualWidthBins.upper(b, fine) - EqualWidthBins.lower(b, fine);
          bound += 2.0 * Math.min(cb, nb - cb) + nb * width;
        }
        takenFromBin += take;
        need -= take;
      }
    }
    double value = ExpectedCalibrationError.fromSums(gCounts, gConfidence, gCorrect);
    return new Approximation(value, bound / n + 1e-12);
  }
}
