package io.calmon.core.calibration;

/**
 * Proper scoring rules over whole probability vectors: the Brier score and the negative
 * log-likelihood. Both are means over rows; lower is better.
 */
public final class ProperScores {

  /** Probabilities are floored here before the logarithm, so a confident miss costs ~27.6. */
  public static final double NLL_FLOOR = 1e-12;

  private ProperScores() {}

  /** Brier score of one row: {@code sum_k (p_k - 1[y = k])^2}, in [0, 2]. */
  public static double brier(double[] probabilities, int label) {
    double sum = 0.0;
    for (int k = 0; k < probabilities.length; k++) {
      double d = probabilities[k] - (k == label ? 1.0 : 0.0);
      sum += d * d;
    }
    return sum;
  }

  /** Negative log-likelihood of one row: {@code -ln(max(p_y, 1e-12))}. */
  public static double nll(double trueClassProbability) {
    return -Math.log(Math.max(trueClassProbability, NLL_FLOOR));
  }

  /**
   * Mean Brier score over rows.
   *
   * @throws IllegalArgumentException if there are no rows
   */
  public static double brier(ProbabilityRows rows) {
    requireRows(rows);
    double sum = 0.0;
    for (int i = 0; i < rows.size(); i++) {
      sum += brier(rows.row(i), rows.label(i));
    }
    return sum / rows.size();
  }

  /**
   * Mean negative log-likelihood of the true class over rows.
   *
   * @throws IllegalArgumentException if there are no rows
   */
  public static double nll(ProbabilityRows rows) {
    requireRows(rows);
    double sum = 0.0;
    for (int i = 0; i < rows.size(); i++) {
      sum += nll(rows.probability(i, rows.label(i)));
    }
    return sum / rows.size();
  }

  private static void requireRows(ProbabilityRows rows) {
    if (rows.size() == 0) {
      throw new IllegalArgumentException("no rows to score");
    }
  }
}
