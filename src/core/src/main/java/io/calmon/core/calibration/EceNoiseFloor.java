package io.calmon.core.calibration;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The ECE that a <em>perfectly calibrated</em> model with the same confidences would show on a
 * sample of the same size: a noise floor for judging an observed ECE (consistency resampling, after
 * Bröcker and Smith's "consistency bars" for reliability diagrams).
 *
 * <p>Why: ECE is biased upwards on small samples. A calibrated model scored on 60 predictions
 * routinely shows an ECE of 5-10% from sampling alone, and the bootstrap interval of {@link
 * BootstrapInterval} is centred on that biased value, so its lower end does not remove the bias
 * either. Here every non-empty bin's correct count is redrawn as if the model were calibrated,
 * {@code Binomial(n_b, conf_b)} with the bin's observed count and mean confidence, and the ECE of
 * each redraw is computed; the noise floor is the {@code level} quantile of those ECEs. An observed
 * ECE above it is unlikely (probability about {@code 1 - level}) to come from a calibrated model.
 * Like the bin bootstrap it ignores the spread of confidences inside a bin (at most 1/M wide).
 * Seeded: same diagram, settings and seed, same floor.
 */
public final class EceNoiseFloor {

  private EceNoiseFloor() {}

  /**
   * The {@code level} quantile of the ECE of calibrated redraws of {@code diagram}'s bins.
   *
   * @throws IllegalArgumentException if the diagram is empty, resamples is below 1 or level is not
   *     in (0, 1)
   */
  public static double of(ReliabilityDiagram diagram, int resamples, double level, long seed) {
    int bins = diagram.binCount();
    BootstrapInterval.check(bins, resamples, level);
    long n = diagram.total();
    if (n == 0) {
      throw new IllegalArgumentException("no predictions: the diagram is empty");
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[] eces = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      double ece = 0.0;
      for (int b = 0; b < bins; b++) {
        long count = diagram.count(b);
        if (count > 0) {
          double confidence = Math.min(1.0, diagram.confidenceSum(b) / count);
          long correct = BinomialSampler.binomial(rng, count, confidence);
          ece += ((double) count / n) * Math.abs((double) correct / count - confidence);
        }
      }
      eces[r] = ece;
    }
    Arrays.sort(eces);
    return BootstrapInterval.quantile(eces, level);
  }
}
