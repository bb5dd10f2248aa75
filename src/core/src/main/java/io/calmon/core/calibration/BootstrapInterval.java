package io.calmon.core.calibration;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A percentile bootstrap confidence interval for ECE.
 *
 * <p>Two resampling schemes, one per kind of input:
 *
 * <ul>
 *   <li>{@link #ofEce(TopLabelRows, int, int, double, long)} resamples rows with replacement (the
 *       textbook bootstrap; needs the rows).
 *   <li>{@link #ofEce(ReliabilityDiagram, int, double, long)} resamples bins, for a sketch that
 *       kept only per-bin sums: bin counts are drawn from Multinomial(N, n_b / N), then each
 *       non-empty bin's correct count from Binomial(n*_b, acc_b), while its mean confidence stays
 *       at the observed {@code conf_b}. This ignores the spread of confidences inside a bin (at
 *       most 1/M wide) and is close to the row bootstrap otherwise.
 * </ul>
 *
 * Both are seeded ({@link SplittableRandom}), so the same input, seed and settings give the same
 * interval. The interval takes the {@code (1 - level)/2} and {@code (1 + level)/2} quantiles of the
 * resampled ECEs, interpolating linearly between order statistics (Hyndman-Fan type 7).
 *
 * @param low lower end
 * @param high upper end
 * @param level the confidence level, e.g. 0.95
 * @param resamples how many bootstrap resamples were drawn
 */
public record BootstrapInterval(double low, double high, double level, int resamples) {

  /** Bootstrap resamples unless configured otherwise. */
  public static final int DEFAULT_RESAMPLES = 1000;

  /** Confidence level unless configured otherwise. */
  public static final double DEFAULT_LEVEL = 0.95;

  /**
   * The interval of a report that computed none (a provisional report, for speed): [0, 1], which
   * says nothing, with 0 resamples to show it was not drawn.
   */
  public static BootstrapInterval notComputed(double level) {
    return new BootstrapInterval(0, 1, level, 0);
  }

  /** Whether resamples were drawn ({@link #notComputed} draws none). */
  public boolean computed() {
    return resamples > 0;
  }

  /**
   * Row bootstrap of ECE over equal-width bins.
   *
   * @throws IllegalArgumentException if there are no rows, bins or resamples is below 1, or level
   *     is not in (0, 1)
   */
  public static BootstrapInterval ofEce(
      TopLabelRows rows, int bins, int resamples, double level, long seed) {
    check(bins, resamples, level);
    int n = rows.size();
    if (n == 0) {
      throw new IllegalArgumentException("no rows to resample");
    }
    int[] binOf = new int[n];
    for (int i = 0; i < n; i++) {
      binOf[i] = EqualWidthBins.indexUnchecked(rows.confidence(i), bins);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[] counts = new double[bins];
    double[] confidenceSums = new double[bins];
    double[] correctSums = new double[bins];
    double[] eces = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      Arrays.fill(counts, 0.0);
      Arrays.fill(confidenceSums, 0.0);
      Arrays.fill(correctSums, 0.0);
      for (int j = 0; j < n; j++) {
        int i = rng.nextInt(n);
        int b = binOf[i];
        counts[b]++;
        confidenceSums[b] += rows.confidence(i);
        if (rows.correct(i)) {
          correctSums[b]++;
        }
      }
      eces[r] = ExpectedCalibrationError.fromSums(counts, confidenceSums, correctSums);
    }
    return percentile(eces, level);
  }

  /**
   * Bin bootstrap of ECE from per-bin sums (multinomial bin counts, binomial correct counts; see
   * the class comment).
   *
   * @throws IllegalArgumentException if resamples is below 1 or level is not in (0, 1)
   */
  public static BootstrapInterval ofEce(
      ReliabilityDiagram diagram, int resamples, double level, long seed) {
    int bins = diagram.binCount();
    check(bins, resamples, level);
    long n = diagram.total();
    long[] counts = new long[bins];
    double[] accuracy = new double[bins];
    double[] confidence = new double[bins];
    for (int b = 0; b < bins; b++) {
      counts[b] = diagram.count(b);
      if (counts[b] > 0) {
        accuracy[b] = (double) diagram.correctCount(b) / counts[b];
        confidence[b] = diagram.confidenceSum(b) / counts[b];
      }
    }
    SplittableRandom rng = new SplittableRandom(seed);
    long[] drawn = new long[bins];
    double[] eces = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      BinomialSampler.multinomial(rng, counts, n, drawn);
      double ece = 0.0;
      for (int b = 0; b < bins; b++) {
        if (drawn[b] > 0) {
          long correct = BinomialSampler.binomial(rng, drawn[b], accuracy[b]);
          ece += ((double) drawn[b] / n) * Math.abs((double) correct / drawn[b] - confidence[b]);
        }
      }
      eces[r] = ece;
    }
    return percentile(eces, level);
  }

  /** The checks every resampling of ECE makes on its settings. */
  static void check(int bins, int resamples, double level) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be at least 1, got " + bins);
    }
    if (resamples < 1) {
      throw new IllegalArgumentException("resamples must be at least 1, got " + resamples);
    }
    if (!(level > 0.0 && level < 1.0)) {
      throw new IllegalArgumentException("level must be in (0, 1), got " + level);
    }
  }

  private static BootstrapInterval percentile(double[] values, double level) {
    Arrays.sort(values);
    double tail = (1.0 - level) / 2.0;
    return new BootstrapInterval(
        quantile(values, tail), quantile(values, 1.0 - tail), level, values.length);
  }

  /** Type-7 quantile of sorted values. */
  static double quantile(double[] sorted, double q) {
    double h = q * (sorted.length - 1);
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
}
