package io.calmon.core.calibration;

import java.util.OptionalDouble;

/**
 * Computes {@link CalibrationMetrics} for a batch of rows: the exact metrics the CLI and the
 * evaluation harness report. The monitor computes the same figures from a {@link CalibrationSketch}
 * instead ({@link CalibrationSketch#metrics}).
 */
public final class CalibrationEvaluator {

  private CalibrationEvaluator() {}

  /**
   * All metrics for the rows; classwise ECE, Brier and NLL only for {@link ProbabilityRows}.
   *
   * @throws IllegalArgumentException if there are no rows
   */
  public static CalibrationMetrics evaluate(CalibrationRows rows, CalibrationOptions options) {
    if (rows.size() == 0) {
      throw new IllegalArgumentException("no rows to evaluate");
    }
    TopLabelRows top = rows.topLabel();
    int bins = options.bins();
    ReliabilityDiagram diagram = ReliabilityDiagram.of(top, bins);
    BootstrapInterval interval =
        BootstrapInterval.ofEce(top, bins, options.resamples(), options.level(), options.seed());
    OptionalDouble classwise = OptionalDouble.empty();
    OptionalDouble brier = OptionalDouble.empty();
    OptionalDouble nll = OptionalDouble.empty();
    if (rows instanceof ProbabilityRows probabilities) {
      classwise = OptionalDouble.of(ClasswiseCalibrationError.of(probabilities, bins));
      brier = OptionalDouble.of(ProperScores.brier(probabilities));
      nll = OptionalDouble.of(ProperScores.nll(probabilities));
    }
    return new CalibrationMetrics(
        top.size(),
        diagram.accuracy(),
        diagram.meanConfidence(),
        diagram.ece(),
        AdaptiveCalibrationError.of(top, bins),
        diagram.mce(),
        diagram.mceWeighted(),
        diagram.bins(),
        interval,
        classwise,
        brier,
        nll);
  }
}
