package io.calmon.core.calibration;

import java.util.SplittableRandom;

/** Test helpers that build rows compactly. */
final class Rows {

  private Rows() {}

  /** Top-label rows from alternating (confidence, correct as 0/1) values. */
  static TopLabelRows top(double... confidenceCorrectPairs) {
    int n = confidenceCorrectPairs.length / 2;
    double[] confidences = new double[n];
    boolean[] correct = new boolean[n];
    for (int i = 0; i < n; i++) {
      confidences[i] = confidenceCorrectPairs[2 * i];
      correct[i] = confidenceCorrectPairs[2 * i + 1] == 1.0;
    }
    return new TopLabelRows(confidences, correct);
  }

  /**
   * Random rows: confidences uniform on [0, 1] rounded to a grid of {@code grid} steps (so exact
   * bin edges and ties occur), correct with probability equal to a distorted confidence.
   */
  static TopLabelRows random(SplittableRandom rng, int n, int grid) {
    double[] confidences = new double[n];
    boolean[] correct = new boolean[n];
    for (int i = 0; i < n; i++) {
      double c = grid > 0 ? rng.nextInt(grid + 1) / (double) grid : rng.nextDouble();
      confidences[i] = c;
      correct[i] = rng.nextDouble() < c * c;
    }
    return new TopLabelRows(confidences, correct);
  }

  /** Random rows whose confidences pile up near 1, like CLIP's with logit scale 100. */
  static TopLabelRows overconfident(SplittableRandom rng, int n) {
    double[] confidences = new double[n];
    boolean[] correct = new boolean[n];
    for (int i = 0; i < n; i++) {
      double c = 1.0 - Math.pow(rng.nextDouble(), 4) * 0.6;
      confidences[i] = c;
      correct[i] = rng.nextDouble() < 0.7;
    }
    return new TopLabelRows(confidences, correct);
  }
}
