package io.calmon.core.calibration;

import java.util.SplittableRandom;

/**
 * Draws binomial and multinomial counts for the bin bootstrap. Exact for small means (Bernoulli
 * trials up to 32 draws, CDF inversion while {@code n min(p, 1-p) < 30}); above that, the normal
 * approximation rounded and clamped to [0, n], whose error is far below the bootstrap's own noise
 * at those sizes.
 */
final class BinomialSampler {

  private static final int BERNOULLI_LIMIT = 32;
  private static final double INVERSION_MEAN_LIMIT = 30.0;

  private BinomialSampler() {}

  /** A draw from Binomial(n, p). */
  static long binomial(SplittableRandom rng, long n, double p) {
    if (n <= 0 || p <= 0.0) {
      return 0;
    }
    if (p >= 1.0) {
      return n;
    }
    if (n <= BERNOULLI_LIMIT) {
      long hits = 0;
      for (long i = 0; i < n; i++) {
        if (rng.nextDouble() < p) {
          hits++;
        }
      }
      return hits;
    }
    boolean flip = p > 0.5;
    double q = flip ? 1.0 - p : p;
    long k;
    if (n * q < INVERSION_MEAN_LIMIT) {
      k = inversion(rng, n, q);
    } else {
      double mean = n * q;
      double sd = Math.sqrt(mean * (1.0 - q));
      k = Math.round(mean + sd * gaussian(rng));
      k = Math.max(0, Math.min(n, k));
    }
    return flip ? n - k : k;
  }

  /** Walks the CDF from 0; expected steps about n q, small by the caller's choice. */
  private static long inversion(SplittableRandom rng, long n, double q) {
    double u = rng.nextDouble();
    double pmf = Math.pow(1.0 - q, n);
    double cdf = pmf;
    double ratio = q / (1.0 - q);
    long k = 0;
    while (u > cdf && k < n) {
      pmf *= ratio * (n - k) / (k + 1);
      k++;
      cdf += pmf;
      if (pmf == 0.0 && k > n * q) {
        break; // the tail underflowed: u sits in rounding error of a CDF that reached 1
      }
    }
    return k;
  }

  /** Standard normal by Box-Muller (one of the pair; simplicity over speed). */
  private static double gaussian(SplittableRandom rng) {
    double u1 = 1.0 - rng.nextDouble(); // (0, 1]: log is finite
    double u2 = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /**
   * A draw from Multinomial(total, counts / sum(counts)) by sequential conditional binomials.
   *
   * @param counts non-negative weights, here the observed bin counts
   * @param total number of draws
   * @param out receives the drawn counts, same length as counts
   */
  static void multinomial(SplittableRandom rng, long[] counts, long total, long[] out) {
    long remainingWeight = 0;
    for (long c : counts) {
      remainingWeight += c;
    }
    long remaining = total;
    for (int b = 0; b < counts.length; b++) {
      if (counts[b] == 0 || remaining == 0) {
        out[b] = 0;
      } else if (counts[b] == remainingWeight) {
        out[b] = remaining;
        remaining = 0;
      } else {
        out[b] = binomial(rng, remaining, (double) counts[b] / remainingWeight);
        remaining -= out[b];
      }
      remainingWeight -= counts[b];
    }
  }
}
