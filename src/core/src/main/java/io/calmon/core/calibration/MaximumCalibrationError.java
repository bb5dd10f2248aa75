package io.calmon.core.calibration;

/**
 * Maximum calibration error over equal-width bins, in its two published forms, which calmon reports
 * under distinct names:
 *
 * <ul>
 *   <li>{@code mce}: the textbook form, max over non-empty bins of {@code |acc_b - conf_b|};
 *   <li>{@code mce_weighted}: the form of the DOR authors' code, max over bins of {@code (n_b/N)
 *       |acc_b - conf_b|}.
 * </ul>
 *
 * Bins follow {@link EqualWidthBins}.
 */
public final class MaximumCalibrationError {

  private MaximumCalibrationError() {}

  /** Textbook MCE of top-label rows over {@code bins} equal-width bins. */
  public static double of(TopLabelRows rows, int bins) {
    return ReliabilityDiagram.of(rows, bins).mce();
  }

  /** Count-weighted MCE of top-label rows over {@code bins} equal-width bins. */
  public static double weighted(TopLabelRows rows, int bins) {
    return ReliabilityDiagram.of(rows, bins).mceWeighted();
  }

  /** Max over non-empty bins of the gap, optionally weighted by the bin's share of rows. */
  static double fromSums(
      double[] counts, double[] confidenceSums, double[] correctSums, boolean weighted) {
    double total = 0.0;
    for (double n : counts) {
      total += n;
    }
    double max = 0.0;
    for (int b = 0; b < counts.length; b++) {
      double n = counts[b];
      if (n > 0.0) {
        double gap = Math.abs(correctSums[b] / n - confidenceSums[b] / n);
        max = Math.max(max, weighted ? (n / total) * gap : gap);
      }
    }
    return max;
  }
}
