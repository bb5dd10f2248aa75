package io.calmon.core.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How far a prompt moved the text features of a set of class names from the hand-written template's
 * (zero-shot) features, measured on the features alone: no image, no label.
 *
 * <ul>
 *   <li><b>Textual label divergence</b>: the mean pairwise cosine distance {@code 1 - cos(t_i,
 *       t_j)} over the class pairs of a set, for the tuned features and for the zero-shot ones.
 *       Prompt tuning that pushes class features apart widens logit gaps, and with them confidence:
 *       the cause DOR (arXiv 2410.02681) names for CoOp's overconfidence on new classes. The paper
 *       gives no formula; this is the mean pairwise distance of the L2-normalised features.
 *   <li><b>Separation</b>: the mean over classes of the cosine distance to the nearest other class
 *       of the set, tuned and zero-shot. A prediction's confidence is set by the logit gap to its
 *       runner-up, which the nearest class bounds, where the divergence averages over every pair.
 *   <li><b>Deviation from zero-shot</b>: the mean over classes of {@code 1 - cos(t_i, z_i)}, how
 *       far each class's tuned feature moved from its zero-shot one (what DOR's regulariser holds
 *       down for outlier words, and KgCoOp's for the base classes).
 * </ul>
 *
 * Features need not be normalised; each row is normalised here. A set of one class has no pairs:
 * its divergences are 0.
 *
 * @param classes how many classes were measured
 * @param divergence mean pairwise cosine distance of the tuned features
 * @param zeroShotDivergence the same for the zero-shot features
 * @param deviation mean cosine distance of each class's tuned feature from its zero-shot one
 * @param separation mean cosine distance of each tuned feature to its nearest other tuned feature
 * @param zeroShotSeparation the same for the zero-shot features
 */
public record TextFeatureShift(
    int classes,
    double divergence,
    double zeroShotDivergence,
    double deviation,
    double separation,
    double zeroShotSeparation) {

  /**
   * The shift of {@code tuned} from {@code zeroShot}, row {@code i} of each the same class.
   *
   * @throws IllegalArgumentException when the two have different shapes, or a row is all zeros
   */
  public static TextFeatureShift of(float[][] tuned, float[][] zeroShot) {
    if (tuned.length != zeroShot.length) {
      throw new IllegalArgumentException(
          tuned.length + " tuned rows against " + zeroShot.length + " zero-shot rows");
    }
    double[][] t = normalised(tuned);
    double[][] z = normalised(zeroShot);
    double deviation = 0;
    for (int i = 0; i < t.length; i++) {
      if (t[i].length != z[i].length) {
        throw new IllegalArgumentException(
            "row " + i + ": width " + t[i].length + " against " + z[i].length);
      }
      deviation += 1 - dot(t[i], z[i]);
    }
    return new TextFeatureShift(
        t.length,
        divergence(t),
        divergence(z),
        t.length == 0 ? 0 : deviation / t.length,
        separation(t),
        separation(z));
  }

  /**
   * The served classes split by the prompt version's base classes: the shift of those it was tuned
   * on, and of the others (served zero-shot).
   *
   * @param base the shift of the served base classes; null when none is served
   * @param fresh the shift of the other served classes; null when there are none
   */
  public record Split(TextFeatureShift base, TextFeatureShift fresh) {}

  /**
   * {@link #of} for each group of the served classes: row {@code i} of {@code tuned} and {@code
   * zeroShot} is {@code served.get(i)}.
   */
  public static Split split(
      List<String> served, Set<String> baseClasses, float[][] tuned, float[][] zeroShot) {
    if (tuned.length != served.size() || zeroShot.length != served.size()) {
      throw new IllegalArgumentException(
          served.size()
              + " classes against "
              + tuned.length
              + " tuned and "
              + zeroShot.length
              + " zero-shot rows");
    }
    List<Integer> base = new ArrayList<>();
    List<Integer> fresh = new ArrayList<>();
    for (int i = 0; i < served.size(); i++) {
      (baseClasses.contains(served.get(i)) ? base : fresh).add(i);
    }
    return new Split(ofRows(base, tuned, zeroShot), ofRows(fresh, tuned, zeroShot));
  }

  private static TextFeatureShift ofRows(List<Integer> rows, float[][] tuned, float[][] zeroShot) {
    if (rows.isEmpty()) {
      return null;
    }
    return of(
        rows.stream().map(i -> tuned[i]).toArray(float[][]::new),
        rows.stream().map(i -> zeroShot[i]).toArray(float[][]::new));
  }

  /** Tuned divergence over zero-shot divergence: above 1 when the prompt pushed classes apart. */
  public double divergenceRatio() {
    return zeroShotDivergence == 0 ? Double.NaN : divergence / zeroShotDivergence;
  }

  /** Tuned separation over zero-shot separation: above 1 when nearest classes moved apart. */
  public double separationRatio() {
    return zeroShotSeparation == 0 ? Double.NaN : separation / zeroShotSeparation;
  }

  private static double separation(double[][] rows) {
    int n = rows.length;
    if (n < 2) {
      return 0;
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double nearest = Double.POSITIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        if (j != i) {
          nearest = Math.min(nearest, 1 - dot(rows[i], rows[j]));
        }
      }
      sum += nearest;
    }
    return sum / n;
  }

  private static double divergence(double[][] rows) {
    int n = rows.length;
    if (n < 2) {
      return 0;
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        sum += 1 - dot(rows[i], rows[j]);
      }
    }
    return sum / ((double) n * (n - 1) / 2);
  }

  private static double[][] normalised(float[][] rows) {
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      double norm = 0;
      for (float v : rows[i]) {
        norm += (double) v * v;
      }
      if (!(norm > 0) || !Double.isFinite(norm)) {
        throw new IllegalArgumentException("row " + i + " has no direction (zero or not finite)");
      }
      double inv = 1 / Math.sqrt(norm);
      out[i] = new double[rows[i].length];
      for (int j = 0; j < rows[i].length; j++) {
        out[i][j] = rows[i][j] * inv;
      }
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }
}
