package io.calmon.clip.image;

/**
 * Separable bicubic resampling (Keys, a = -0.5) with the kernel widened by the scale factor when
 * shrinking, as PIL's {@code Image.resize(BICUBIC)} does (the antialiasing that torchvision's CLIP
 * preprocessing relies on). Planes are float, values clamped to [0, 255] after each pass as PIL's
 * 8-bit intermediates are.
 */
final class Bicubic {

  private static final double A = -0.5;

  private Bicubic() {}

  /** Resizes one channel plane {@code [height][width]} (row-major) to {@code outW x outH}. */
  static float[] resize(float[] plane, int width, int height, int outW, int outH) {
    float[] horizontal = pass(plane, width, height, outW, true);
    return pass(horizontal, outW, height, outH, false);
  }

  /** One pass along rows ({@code alongX}) or columns, from {@code in} samples to {@code out}. */
  private static float[] pass(float[] src, int width, int height, int out, boolean alongX) {
    int in = alongX ? width : height;
    Kernel k = kernel(in, out);
    int outWidth = alongX ? out : width;
    int outHeight = alongX ? height : out;
    float[] dst = new float[outWidth * outHeight];
    for (int y = 0; y < outHeight; y++) {
      for (int x = 0; x < outWidth; x++) {
        int i = alongX ? x : y;
        double sum = 0;
        for (int t = 0; t < k.count[i]; t++) {
          int j = k.first[i] + t;
          float v = alongX ? src[y * width + j] : src[j * width + x];
          sum += k.weights[i][t] * v;
        }
        dst[y * outWidth + x] = (float) Math.min(255.0, Math.max(0.0, sum));
      }
    }
    return dst;
  }

  private record Kernel(int[] first, int[] count, double[][] weights) {}

  private static Kernel kernel(int in, int out) {
    double scale = (double) in / out;
    double widen = Math.max(scale, 1.0);
    double support = 2.0 * widen;
    int[] first = new int[out];
    int[] count = new int[out];
    double[][] weights = new double[out][];
    for (int i = 0; i < out; i++) {
      double center = (i + 0.5) * scale;
      int lo = Math.max(0, (int) Math.floor(center - support + 0.5));
      int hi = Math.min(in, (int) Math.floor(center + support + 0.5));
      double[] w = new double[Math.max(0, hi - lo)];
      double total = 0;
      for (int j = lo; j < hi; j++) {
        w[j - lo] = cubic((j - center + 0.5) / widen);
        total += w[j - lo];
      }
      for (int t = 0; t < w.length; t++) {
        w[t] = total == 0 ? 0 : w[t] / total;
      }
      first[i] = lo;
      count[i] = w.length;
      weights[i] = w;
    }
    return new Kernel(first, count, weights);
  }

  private static double cubic(double x) {
    double ax = Math.abs(x);
    if (ax < 1) {
      return ((A + 2) * ax - (A + 3)) * ax * ax + 1;
    }
    if (ax < 2) {
      return ((A * ax - 5 * A) * ax + 8 * A) * ax - 4 * A;
    }
    return 0;
  }
}
