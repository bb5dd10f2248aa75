package io.calmon.core.calibration;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Every calibration figure calmon reports for one set of labelled predictions. Errors are fractions
 * in [0, 1]. The last three exist only where the whole probability vector was known (probability
 * rows, or sketch updates that carried it).
 *
 * @param n labelled predictions
 * @param accuracy fraction correct
 * @param meanConfidence mean confidence of the predicted class
 * @param ece expected calibration error over M equal-width bins ({@link ExpectedCalibrationError})
 * @param ace adaptive calibration error over M equal-mass bins ({@link AdaptiveCalibrationError});
 *     approximate when computed from a sketch
 * @param mce textbook maximum calibration error ({@link MaximumCalibrationError})
 * @param mceWeighted count-weighted maximum calibration error
 * @param bins the reliability diagram: all M bins, empty ones with count 0
 * @param eceInterval bootstrap interval for ECE ({@link BootstrapInterval})
 * @param classwiseEce mean over classes of the classwise ECE ({@link ClasswiseCalibrationError})
 * @param brier mean Brier score ({@link ProperScores})
 * @param nll mean negative log-likelihood of the true class ({@link ProperScores})
 */
public record CalibrationMetrics(
    long n,
    double accuracy,
    double meanConfidence,
    double ece,
    double ace,
    double mce,
    double mceWeighted,
    List<ReliabilityBin> bins,
    BootstrapInterval eceInterval,
    OptionalDouble classwiseEce,
    OptionalDouble brier,
    OptionalDouble nll) {

  /** Copies the bin list so the record stays immutable. */
  public CalibrationMetrics {
    bins = List.copyOf(bins);
  }
}
