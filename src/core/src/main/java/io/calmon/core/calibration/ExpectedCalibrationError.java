package io.calmon.core.calibration;

/**
 * Expected calibration error over {@code M} equal-width confidence bins:
 *
 * <pre>
 *   ECE = sum over non-empty bins b of (n_b / N) * |acc_b - conf_b|
 * </pre>
 *
 * where {@code acc_b} is the fraction of correct rows in bin b and {@code conf_b} their mean
 * confidence. Bins follow {@link EqualWidthBins}: bin m covers (m/M, (m+1)/M], a confidence of 0
 * goes to the first bin.
 */
public final class ExpectedCalibrationError {

  /** The common convention (PAPER.md): 15 bins. */
  public static final int DEFAULT_BINS = 15;

  private ExpectedCalibrationError() {}

  /**
   * ECE of top-label rows over {@code bins} equal-width bins.
   *
   * @throws IllegalArgumentException if there are no rows or bins is below 1
   */
  public static double of(TopLabelRows rows, int bins) {
    return ReliabilityDiagram.of(rows, bins).ece();
  }

  /** ECE of the top label of any rows; see {@link #of(TopLabelRows, int)}. */
  public static double of(CalibrationRows rows, int bins) {
    return of(rows.topLabel(), bins);
  }

  /**
   * The ECE sum over bins given per-bin row counts, confidence sums and correct sums. Counts may be
   * fractional (the equal-mass bins of {@link AdaptiveCalibrationError} split rows pro rata). Empty
   * bins contribute nothing; the total is the sum of the counts.
   */
  static double fromSums(double[] counts, double[] confidenceSums, double[] correctSums) {
    double total = 0.0;
    for (double n : counts) {
      total += n;
    }
    double ece = 0.0;
    for (int b = 0; b < counts.length; b++) {
      double n = counts[b];
      if (n > 0.0) {
        double accuracy = correctSums[b] / n;
        double confidence = confidenceSums[b] / n;
        ece += (n / total) * Math.abs(accuracy - confidence);
      }
    }
    return ece;
  }
}
