package io.calmon.core.calibration;

import java.util.Arrays;

/**
 * Classwise ECE: for each class k, bin the probability {@code p_k} of every row into M equal-width
 * bins (see {@link EqualWidthBins}) and compute
 *
 * <pre>
 *   ECE_k = sum over non-empty bins b of (n_b / N) * |mean_b(1[y = k]) - mean_b(p_k)|
 * </pre>
 *
 * over all N rows (not only those predicting k). The reported value is the mean of ECE_k over the K
 * classes. It needs the whole probability vector, so it exists only for {@link ProbabilityRows}.
 */
public final class ClasswiseCalibrationError {

  private ClasswiseCalibrationError() {}

  /**
   * Mean over classes of the per-class ECE.
   *
   * @throws IllegalArgumentException if there are no rows or bins is below 1
   */
  public static double of(ProbabilityRows rows, int bins) {
    double[] perClass = perClass(rows, bins);
    double sum = 0.0;
    for (double e : perClass) {
      sum += e;
    }
    return sum / perClass.length;
  }

  /** ECE_k for each class k, in class order. */
  public static double[] perClass(ProbabilityRows rows, int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be at least 1, got " + bins);
    }
    if (rows.size() == 0) {
      throw new IllegalArgumentException("no rows to bin");
    }
    int classes = rows.classes();
    double[] result = new double[classes];
    double[] counts = new double[bins];
    double[] probabilitySums = new double[bins];
    double[] hits = new double[bins];
    for (int k = 0; k < classes; k++) {
      Arrays.fill(counts, 0.0);
      Arrays.fill(probabilitySums, 0.0);
      Arrays.fill(hits, 0.0);
      for (int i = 0; i < rows.size(); i++) {
        double p = rows.probability(i, k);
        int b = EqualWidthBins.indexUnchecked(p, bins);
        counts[b]++;
        probabilitySums[b] += p;
        if (rows.label(i) == k) {
          hits[b]++;
        }
      }
      result[k] = ExpectedCalibrationError.fromSums(counts, probabilitySums, hits);
    }
    return result;
  }
}
