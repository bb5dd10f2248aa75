package io.calmon.scorer;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The softmax of one image's logits and the statistics a prediction carries: argmax (lowest index
 * on ties), top-k, entropy in nats and the sum of squared probabilities. Pure arithmetic in double.
 */
final class ClassScores {

  private final double[] probabilities;
  private final int predicted;

  private ClassScores(double[] probabilities) {
    this.probabilities = probabilities;
    int best = 0;
    for (int j = 1; j < probabilities.length; j++) {
      if (probabilities[j] > probabilities[best]) { // strict: the lowest index wins a tie
        best = j;
      }
    }
    this.predicted = best;
  }

  /**
   * Softmax of {@code logits / temperature}.
   *
   * @throws IllegalArgumentException if there are no logits or the temperature is not positive
   */
  static ClassScores fromLogits(float[] logits, double temperature) {
    if (logits.length == 0) {
      throw new IllegalArgumentException("no logits: the class set is empty");
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be > 0 and finite, got " + temperature);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v / temperature);
    }
    double[] p = new double[logits.length];
    double sum = 0;
    for (int j = 0; j < p.length; j++) {
      p[j] = Math.exp(logits[j] / temperature - max);
      sum += p[j];
    }
    for (int j = 0; j < p.length; j++) {
      p[j] /= sum;
    }
    return new ClassScores(p);
  }

  int classCount() {
    return probabilities.length;
  }

  double probability(int classIndex) {
    return probabilities[classIndex];
  }

  /** Index of the most probable class; the lowest index among equals. */
  int predicted() {
    return predicted;
  }

  double confidence() {
    return probabilities[predicted];
  }

  /** The {@code k} most probable class indices (fewer if there are fewer classes), best first. */
  int[] topK(int k) {
    // Stable sort by probability, descending: ties keep index order, matching the argmax rule.
    return IntStream.range(0, probabilities.length)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer j) -> probabilities[j]).reversed())
        .limit(k)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  /** Shannon entropy {@code -sum p ln p} in nats; {@code 0 ln 0 = 0}. */
  double entropy() {
    double h = 0;
    for (double p : probabilities) {
      if (p > 0) {
        h -= p * Math.log(p);
      }
    }
    return h;
  }

  /** {@code sum p^2}: with the true class's probability it gives the Brier score. */
  double sumSquaredProbability() {
    double s = 0;
    for (double p : probabilities) {
      s += p * p;
    }
    return s;
  }

  double[] probabilities() {
    return Arrays.copyOf(probabilities, probabilities.length);
  }
}
