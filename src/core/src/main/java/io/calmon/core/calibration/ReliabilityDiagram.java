package io.calmon.core.calibration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Per-bin statistics over M equal-width confidence bins (see {@link EqualWidthBins}): row count,
 * sum of confidences and number correct. ECE and both MCEs are read off it, and so is the
 * reliability diagram ({@link #bins()}: all M bins, empty ones with count 0). Immutable.
 */
public final class ReliabilityDiagram {

  private final long[] counts;
  private final double[] confidenceSums;
  private final long[] correctCounts;

  private ReliabilityDiagram(long[] counts, double[] confidenceSums, long[] correctCounts) {
    this.counts = counts;
    this.confidenceSums = confidenceSums;
    this.correctCounts = correctCounts;
  }

  /**
   * Bins top-label rows into {@code bins} equal-width bins.
   *
   * @throws IllegalArgumentException if there are no rows or bins is below 1
   */
  public static ReliabilityDiagram of(TopLabelRows rows, int bins) {
    requireBins(bins);
    if (rows.size() == 0) {
      throw new IllegalArgumentException("no rows to bin");
    }
    long[] counts = new long[bins];
    double[] confidenceSums = new double[bins];
    long[] correctCounts = new long[bins];
    for (int i = 0; i < rows.size(); i++) {
      double c = rows.confidence(i);
      int b = EqualWidthBins.indexUnchecked(c, bins);
      counts[b]++;
      confidenceSums[b] += c;
      if (rows.correct(i)) {
        correctCounts[b]++;
      }
    }
    return new ReliabilityDiagram(counts, confidenceSums, correctCounts);
  }

  /**
   * A diagram from per-bin sums someone else accumulated (a sketch); the arrays are copied.
   *
   * @throws IllegalArgumentException if lengths differ, there are no bins or no rows, a count is
   *     negative, or a bin has more correct rows than rows
   */
  public static ReliabilityDiagram fromSums(
      long[] counts, double[] confidenceSums, long[] correctCounts) {
    requireBins(counts.length);
    if (confidenceSums.length != counts.length || correctCounts.length != counts.length) {
      throw new IllegalArgumentException(
          "bin arrays differ in length: "
              + counts.length
              + ", "
              + confidenceSums.length
              + ", "
              + correctCounts.length);
    }
    long total = 0;
    for (int b = 0; b < counts.length; b++) {
      if (counts[b] < 0 || correctCounts[b] < 0 || correctCounts[b] > counts[b]) {
        throw new IllegalArgumentException(
            "bin " + b + ": count " + counts[b] + ", correct " + correctCounts[b]);
      }
      total += counts[b];
    }
    if (total == 0) {
      throw new IllegalArgumentException("no rows to bin");
    }
    return new ReliabilityDiagram(counts.clone(), confidenceSums.clone(), correctCounts.clone());
  }

  private static void requireBins(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be at least 1, got " + bins);
    }
  }

  /** Number of bins M. */
  public int binCount() {
    return counts.length;
  }

  /** Number of rows N. */
  public long total() {
    long total = 0;
    for (long n : counts) {
      total += n;
    }
    return total;
  }

  /** Rows in bin {@code b}. */
  public long count(int b) {
    return counts[b];
  }

  /** Correct rows in bin {@code b}. */
  public long correctCount(int b) {
    return correctCounts[b];
  }

  /** Sum of confidences in bin {@code b}. */
  public double confidenceSum(int b) {
    return confidenceSums[b];
  }

  /** All M bins in order, empty ones included with count 0, confidence 0 and accuracy 0. */
  public List<ReliabilityBin> bins() {
    int m = counts.length;
    List<ReliabilityBin> bins = new ArrayList<>(m);
    for (int b = 0; b < m; b++) {
      long n = counts[b];
      double confidence = n == 0 ? 0.0 : confidenceSums[b] / n;
      double accuracy = n == 0 ? 0.0 : (double) correctCounts[b] / n;
      bins.add(
          new ReliabilityBin(
              EqualWidthBins.lower(b, m), EqualWidthBins.upper(b, m), n, confidence, accuracy));
    }
    return Collections.unmodifiableList(bins);
  }

  /** Fraction of correct rows. */
  public double accuracy() {
    long correct = 0;
    for (long c : correctCounts) {
      correct += c;
    }
    return (double) correct / total();
  }

  /** Mean confidence of all rows. */
  public double meanConfidence() {
    double sum = 0.0;
    for (double s : confidenceSums) {
      sum += s;
    }
    return sum / total();
  }

  /** Expected calibration error; see {@link ExpectedCalibrationError}. */
  public double ece() {
    return ExpectedCalibrationError.fromSums(
        toDoubles(counts), confidenceSums, toDoubles(correctCounts));
  }

  /** Textbook maximum calibration error; see {@link MaximumCalibrationError}. */
  public double mce() {
    return MaximumCalibrationError.fromSums(
        toDoubles(counts), confidenceSums, toDoubles(correctCounts), false);
  }

  /** Count-weighted maximum calibration error; see {@link MaximumCalibrationError}. */
  public double mceWeighted() {
    return MaximumCalibrationError.fromSums(
        toDoubles(counts), confidenceSums, toDoubles(correctCounts), true);
  }

  private static double[] toDoubles(long[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
