package io.calmon.clip;

/** CLIP's logits and softmax on plain arrays (double accumulation). */
public final class Similarity {

  private Similarity() {}

  /**
   * {@code exp(logitScale) * normalize(image) . normalize(text)} for every pair.
   *
   * @return {@code [images, texts]}
   */
  public static float[][] logits(float[][] image, float[][] text, float logitScale) {
    double scale = Math.exp(logitScale);
    double[] textNorms = new double[text.length];
    for (int j = 0; j < text.length; j++) {
      textNorms[j] = norm(text[j]);
    }
    float[][] out = new float[image.length][text.length];
    for (int i = 0; i < image.length; i++) {
      double ni = norm(image[i]);
      for (int j = 0; j < text.length; j++) {
        if (image[i].length != text[j].length) {
          throw new IllegalArgumentException(
              "feature widths differ: " + image[i].length + " vs " + text[j].length);
        }
        double dot = 0;
        for (int k = 0; k < image[i].length; k++) {
          dot += (double) image[i][k] * text[j][k];
        }
        out[i][j] = (float) (scale * dot / (ni * textNorms[j]));
      }
    }
    return out;
  }

  /** Row-wise softmax, numerically stable. */
  public static float[][] softmax(float[][] logits) {
    float[][] out = new float[logits.length][];
    for (int i = 0; i < logits.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (float v : logits[i]) {
        max = Math.max(max, v);
      }
      double sum = 0;
      double[] e = new double[logits[i].length];
      for (int j = 0; j < e.length; j++) {
        e[j] = Math.exp(logits[i][j] - max);
        sum += e[j];
      }
      out[i] = new float[e.length];
      for (int j = 0; j < e.length; j++) {
        out[i][j] = (float) (e[j] / sum);
      }
    }
    return out;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }
}
