package io.calmon.core.calibration;

/**
 * Labelled predictions to evaluate: either {@link TopLabelRows} (confidence, correct) or {@link
 * ProbabilityRows} (true label, full probability vector). Every metric over the top label reads
 * {@link #topLabel()}; the ones that need the whole vector (classwise ECE, Brier, NLL) exist only
 * for probability rows.
 */
public sealed interface CalibrationRows permits TopLabelRows, ProbabilityRows {

  /** Number of rows. */
  int size();

  /** The rows reduced to (confidence of the predicted class, whether it was correct). */
  TopLabelRows topLabel();
}
