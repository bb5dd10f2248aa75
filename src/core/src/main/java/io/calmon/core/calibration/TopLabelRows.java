package io.calmon.core.calibration;

import java.util.Arrays;

/**
 * Top-label rows: for each prediction, the confidence of the predicted class and whether the
 * prediction was correct. Immutable; the arrays are copied in.
 */
public final class TopLabelRows implements CalibrationRows {

  private final double[] confidences;
  private final boolean[] correct;

  /**
   * Creates rows from parallel arrays.
   *
   * @param confidences confidence of each prediction, finite and in [0, 1]
   * @param correct whether each prediction was correct
   * @throws IllegalArgumentException if the lengths differ or a confidence is NaN or outside [0,
   *     1]; the message names the row
   */
  public TopLabelRows(double[] confidences, boolean[] correct) {
    this(confidences.clone(), correct.clone(), true);
  }

  private TopLabelRows(double[] confidences, boolean[] correct, boolean validate) {
    if (validate) {
      if (confidences.length != correct.length) {
        throw new IllegalArgumentException(
            "confidences and correct differ in length: "
                + confidences.length
                + " vs "
                + correct.length);
      }
      for (int i = 0; i < confidences.length; i++) {
        double c = confidences[i];
        if (!(c >= 0.0 && c <= 1.0)) {
          throw new IllegalArgumentException(
              "row " + i + ": confidence must be in [0, 1], got " + c);
        }
      }
    }
    this.confidences = confidences;
    this.correct = correct;
  }

  /** Wraps arrays this package built and validated; they must not be changed afterwards. */
  static TopLabelRows wrap(double[] confidences, boolean[] correct) {
    return new TopLabelRows(confidences, correct, false);
  }

  @Override
  public int size() {
    return confidences.length;
  }

  @Override
  public TopLabelRows topLabel() {
    return this;
  }

  /** Confidence of row {@code i}. */
  public double confidence(int i) {
    return confidences[i];
  }

  /** Whether row {@code i} was correct. */
  public boolean correct(int i) {
    return correct[i];
  }

  /** A copy of all confidences, in row order. */
  public double[] confidences() {
    return confidences.clone();
  }

  /** Fraction of correct rows; NaN when there are no rows. */
  public double accuracy() {
    int hits = 0;
    for (boolean c : correct) {
      if (c) {
        hits++;
      }
    }
    return (double) hits / correct.length;
  }

  /** Mean confidence; NaN when there are no rows. */
  public double meanConfidence() {
    double sum = 0.0;
    for (double c : confidences) {
      sum += c;
    }
    return sum / confidences.length;
  }

  @Override
  public String toString() {
    return "TopLabelRows[n=" + size() + ", confidences=" + Arrays.toString(confidences) + "]";
  }
}
