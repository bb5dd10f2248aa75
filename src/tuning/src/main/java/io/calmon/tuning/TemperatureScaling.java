package io.calmon.tuning;

/**
 * Post-hoc temperature scaling: the temperature T minimising the negative log-likelihood of {@code
 * logits / T} on held-out (base validation) data. NLL is unimodal in log T; a golden-section search
 * over log T in [-6, 6] around the logits' own scale (T = 1, i.e. the model's logit scale, ln 100
 * for OpenAI CLIP) finds it to 1e-6.
 */
public final class TemperatureScaling {
  private TemperatureScaling() {}

  /** The fitted temperature; 1 for no data. */
  public static double fit(double[][] logits, int[] labels) {
    if (logits.length == 0) {
      return 1.0;
    }
    double lo = -6;
    double hi = 6;
    double g = (Math.sqrt(5) - 1) / 2;
    double a = hi - g * (hi - lo);
    double b = lo + g * (hi - lo);
    double fa = nll(logits, labels, Math.exp(a));
    double fb = nll(logits, labels, Math.exp(b));
    while (hi - lo > 1e-6) {
      if (fa < fb) {
        hi = b;
        b = a;
        fb = fa;
        a = hi - g * (hi - lo);
        fa = nll(logits, labels, Math.exp(a));
      } else {
        lo = a;
        a = b;
        fa = fb;
        b = lo + g * (hi - lo);
        fb = nll(logits, labels, Math.exp(b));
      }
    }
    return Math.exp((lo + hi) / 2);
  }

  /** Mean negative log-likelihood of {@code logits / t}. */
  static double nll(double[][] logits, int[] labels, double t) {
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double z : logits[i]) {
        max = Math.max(max, z / t);
      }
      double s = 0;
      for (double z : logits[i]) {
        s += Math.exp(z / t - max);
      }
      sum += max + Math.log(s) - logits[i][labels[i]] / t;
    }
    return sum / logits.length;
  }
}
