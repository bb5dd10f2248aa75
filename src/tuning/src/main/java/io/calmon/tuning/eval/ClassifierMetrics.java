package io.calmon.tuning.eval;

import io.calmon.core.calibration.AdaptiveCalibrationError;
import io.calmon.core.calibration.ConfidenceLift;
import io.calmon.core.calibration.ExpectedCalibrationError;
import io.calmon.core.calibration.MaximumCalibrationError;
import io.calmon.core.calibration.TopLabelRows;

/**
 * Accuracy and top-label calibration of a CLIP classifier on labelled images, as fractions:
 * confidence is the max softmax probability of {@code exp(logit_scale) * cos(image, text) / T}. ECE
 * over equal-width bins, ACE over as many equal-mass bins, MCE in its textbook (unweighted) form.
 */
public record ClassifierMetrics(int n, double accuracy, double ece, double ace, double mce) {

  /** Metrics of {@code logits} against {@code labels}; NaN everywhere for no rows. */
  public static ClassifierMetrics of(double[][] logits, int[] labels, int bins) {
    return of(rows(logits, labels), bins);
  }

  /** Metrics of top-label rows; NaN everywhere for no rows. */
  public static ClassifierMetrics of(TopLabelRows rows, int bins) {
    int n = rows.size();
    if (n == 0) {
      return new ClassifierMetrics(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    return new ClassifierMetrics(
        n,
        rows.accuracy(),
        ExpectedCalibrationError.of(rows, bins),
        AdaptiveCalibrationError.of(rows, bins),
        MaximumCalibrationError.of(rows, bins));
  }

  /**
   * Top-label rows of {@code logits} against {@code labels}: the max softmax probability and
   * whether its class (the first on ties) is the label.
   */
  public static TopLabelRows rows(double[][] logits, int[] labels) {
    int n = logits.length;
    double[] conf = new double[n];
    boolean[] correct = new boolean[n];
    for (int i = 0; i < n; i++) {
      double[] z = logits[i];
      int arg = 0;
      double max = z[0];
      for (int k = 1; k < z.length; k++) {
        if (z[k] > max) {
          max = z[k];
          arg = k;
        }
      }
      double s = 0;
      for (double v : z) {
        s += Math.exp(v - max);
      }
      conf[i] = Math.min(1.0, 1.0 / s);
      correct[i] = arg == labels[i];
    }
    return new TopLabelRows(conf, correct);
  }

  /**
   * The confidence lift of the classifier with {@code logits} over the zero-shot one with {@code
   * zeroShotLogits} on the same images and classes ({@link ConfidenceLift}): for each image, the
   * first's max softmax probability and the second's probability of the same class.
   */
  public static ConfidenceLift lift(double[][] logits, double[][] zeroShotLogits) {
    if (logits.length != zeroShotLogits.length) {
      throw new IllegalArgumentException(
          logits.length + " rows of logits against " + zeroShotLogits.length + " zero-shot rows");
    }
    ConfidenceLift lift = new ConfidenceLift();
    for (int i = 0; i < logits.length; i++) {
      double[] p = softmax(logits[i]);
      double[] q = softmax(zeroShotLogits[i]);
      int arg = 0;
      for (int k = 1; k < p.length; k++) {
        if (p[k] > p[arg]) {
          arg = k;
        }
      }
      lift.add(p[arg], q[arg]);
    }
    return lift;
  }

  private static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double[] p = new double[z.length];
    double s = 0;
    for (int k = 0; k < z.length; k++) {
      p[k] = Math.exp(z[k] - max);
      s += p[k];
    }
    for (int k = 0; k < z.length; k++) {
      p[k] = Math.min(1.0, p[k] / s);
    }
    return p;
  }

  /**
   * {@code scale * cos(image, text) / temperature} for raw image features and normalised text
   * features: {@code [images, texts]}.
   */
  public static double[][] logits(
      float[][] images, float[][] textNormalized, double scale, double temperature) {
    double[][] out = new double[images.length][textNormalized.length];
    for (int i = 0; i < images.length; i++) {
      double norm = 0;
      for (float v : images[i]) {
        norm += (double) v * v;
      }
      double f = scale / temperature / Math.sqrt(norm);
      for (int c = 0; c < textNormalized.length; c++) {
        double dot = 0;
        for (int j = 0; j < images[i].length; j++) {
          dot += (double) images[i][j] * textNormalized[c][j];
        }
        out[i][c] = dot * f;
      }
    }
    return out;
  }
}
