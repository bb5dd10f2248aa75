package io.calmon.core.calibration;

/**
 * Probability rows: for each prediction, the true label and the predicted probability of each of
 * the K classes. The prediction is the argmax, the lowest index on ties; its confidence is that
 * probability. Immutable; stored row-major in one array.
 *
 * <p>Probabilities must be finite and in [0, 1]; whether a row sums to 1 is the caller's policy
 * (the CLI checks it within 1e-3), not checked here.
 */
public final class ProbabilityRows implements CalibrationRows {

  private final int[] labels;
  private final double[] probabilities; // [row * classes + class]
  private final int classes;
  private final TopLabelRows topLabel;

  /**
   * Creates rows from labels and a probability matrix.
   *
   * @param labels true class of each row, in [0, K)
   * @param probabilities one vector of K probabilities per row, all rows the same length K >= 1
   * @throws IllegalArgumentException if shapes disagree, a label is outside [0, K), or a
   *     probability is NaN or outside [0, 1]; the message names the row and class
   */
  public ProbabilityRows(int[] labels, double[][] probabilities) {
    if (labels.length != probabilities.length) {
      throw new IllegalArgumentException(
          "labels and probabilities differ in length: "
              + labels.length
              + " vs "
              + probabilities.length);
    }
    this.classes = probabilities.length == 0 ? 1 : probabilities[0].length;
    if (classes < 1) {
      throw new IllegalArgumentException("rows need at least one class probability");
    }
    this.labels = labels.clone();
    this.probabilities = new double[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      if (probabilities[i].length != classes) {
        throw new IllegalArgumentException(
            "row "
                + i
                + ": expected "
                + classes
                + " probabilities, got "
                + probabilities[i].length);
      }
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            "row " + i + ": label must be in [0, " + (classes - 1) + "], got " + labels[i]);
      }
      for (int k = 0; k < classes; k++) {
        double p = probabilities[i][k];
        if (!(p >= 0.0 && p <= 1.0)) {
          throw new IllegalArgumentException(
              "row " + i + ", class " + k + ": probability must be in [0, 1], got " + p);
        }
        this.probabilities[i * classes + k] = p;
      }
    }
    this.topLabel = reduce();
  }

  private TopLabelRows reduce() {
    int n = labels.length;
    double[] confidences = new double[n];
    boolean[] correct = new boolean[n];
    for (int i = 0; i < n; i++) {
      int predicted = predicted(i);
      confidences[i] = probability(i, predicted);
      correct[i] = predicted == labels[i];
    }
    return TopLabelRows.wrap(confidences, correct);
  }

  /** Argmax of row {@code i}, the lowest index on ties. */
  public int predicted(int i) {
    int best = 0;
    double bestP = probabilities[i * classes];
    for (int k = 1; k < classes; k++) {
      double p = probabilities[i * classes + k];
      if (p > bestP) { // strict: ties keep the lower index
        best = k;
        bestP = p;
      }
    }
    return best;
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public TopLabelRows topLabel() {
    return topLabel;
  }

  /** Number of classes K. */
  public int classes() {
    return classes;
  }

  /** True label of row {@code i}. */
  public int label(int i) {
    return labels[i];
  }

  /** Probability of class {@code k} in row {@code i}. */
  public double probability(int i, int k) {
    return probabilities[i * classes + k];
  }

  /** A copy of row {@code i}'s probability vector. */
  public double[] row(int i) {
    double[] row = new double[classes];
    System.arraycopy(probabilities, i * classes, row, 0, classes);
    return row;
  }
}
