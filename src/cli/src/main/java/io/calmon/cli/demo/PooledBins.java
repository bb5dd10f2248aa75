package io.calmon.cli.demo;

import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.ReliabilityBin;
import java.util.List;

/**
 * Reliability bins pooled over several window reports (same bin edges): per bin the labelled count,
 * the sum of confidences and the number correct, recovered exactly from each report's bin means.
 * The ECE of the pool is the ECE of all their labelled predictions together.
 */
final class PooledBins {
  private final int bins;
  private final long[] counts;
  private final double[] confidenceSums;
  private final double[] correctSums;

  PooledBins(int bins) {
    this.bins = bins;
    this.counts = new long[bins];
    this.confidenceSums = new double[bins];
    this.correctSums = new double[bins];
  }

  /** Adds a report's bins; reports with another bin count are refused. */
  void add(CalibrationReport report) {
    List<ReliabilityBin> reportBins = report.getBins();
    if (reportBins.size() != bins) {
      throw new IllegalArgumentException(
          "report has " + reportBins.size() + " bins, the pool " + bins);
    }
    for (int m = 0; m < bins; m++) {
      ReliabilityBin bin = reportBins.get(m);
      counts[m] += bin.getCount();
      confidenceSums[m] += bin.getConfidence() * bin.getCount();
      correctSums[m] += bin.getAccuracy() * bin.getCount();
    }
  }

  long count() {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }

  /** ECE of the pool, or NaN when it holds no labelled prediction. */
  double ece() {
    long n = count();
    if (n == 0) {
      return Double.NaN;
    }
    double gap = 0;
    for (int m = 0; m < bins; m++) {
      gap += Math.abs(correctSums[m] - confidenceSums[m]);
    }
    return gap / n;
  }

  double accuracy() {
    long n = count();
    double correct = 0;
    for (double c : correctSums) {
      correct += c;
    }
    return n == 0 ? Double.NaN : correct / n;
  }

  /** Mean confidence and accuracy of bin {@code m}, or NaN for an empty bin. */
  double[] bin(int m) {
    return counts[m] == 0
        ? new double[] {Double.NaN, Double.NaN, 0}
        : new double[] {confidenceSums[m] / counts[m], correctSums[m] / counts[m], counts[m]};
  }

  int bins() {
    return bins;
  }
}
