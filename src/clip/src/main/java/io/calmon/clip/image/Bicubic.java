package io.calmon.clip.image;

import java.awt.image.BufferedImage;

/**
 * Separable bicubic resampling (Keys, a = -0.5) with the kernel widened by the scale factor when
 * shrinking, as PIL's {@code Image.resize(BICUBIC)} does (the antialiasing that torchvision's CLIP
 * preprocessing relies on). Planes are float, values clamped to [0, 255] after each pass as PIL's
 * 8-bit intermediates are.
 */
final class Bicubic {

  private static final double A = -0.5;

  private Bicubic() {}

  /**
   * Resizes {@code image} to {@code outW x outH} and returns only the {@code size x size} window at
   * ({@code top}, {@code left}), as RGB planes {@code [3][size * size]} with values 0..255. Each
   * output sample is computed exactly as by a full horizontal then vertical pass followed by the
   * crop, but only the window's columns of the input rows that the window's rows need are kept.
   */
  static float[][] resizeCrop(
      BufferedImage image, int outW, int outH, int top, int left, int size) {
    int w = image.getWidth();
    Kernel kx = kernel(w, outW);
    Kernel ky = kernel(image.getHeight(), outH);
    int rowLo = Integer.MAX_VALUE;
    int rowHi = 0;
    for (int y = top; y < top + size; y++) {
      rowLo = Math.min(rowLo, ky.first[y]);
      rowHi = Math.max(rowHi, ky.first[y] + ky.count[y]);
    }
    int rows = Math.max(0, rowHi - rowLo);
    float[][] horizontal = new float[3][rows * size]; // [3][rows, size]: the window's columns
    int[] argb = new int[w];
    float[][] row = new float[3][w];
    for (int j = 0; j < rows; j++) {
      image.getRGB(0, rowLo + j, w, 1, argb, 0, w); // any colour model to sRGB
      split(argb, row, 0);
      for (int c = 0; c < 3; c++) {
        for (int x = 0; x < size; x++) {
          horizontal[c][j * size + x] = sample(kx, left + x, row[c], 0, 1);
        }
      }
    }
    float[][] out = new float[3][size * size];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          out[c][y * size + x] = sample(ky, top + y, horizontal[c], x - rowLo * size, size);
        }
      }
    }
    return out;
  }

  /** Splits packed ARGB pixels into R, G, B planes (alpha dropped), from {@code offset} on. */
  static void split(int[] argb, float[][] planes, int offset) {
    for (int i = 0; i < argb.length; i++) {
      planes[0][offset + i] = (argb[i] >> 16) & 0xff;
      planes[1][offset + i] = (argb[i] >> 8) & 0xff;
      planes[2][offset + i] = argb[i] & 0xff;
    }
  }

  /**
   * Output sample {@code i} of kernel {@code k}: input sample {@code j} is {@code src[base + j *
   * stride]}; clamped to [0, 255] as PIL's 8-bit intermediates are.
   */
  private static float sample(Kernel k, int i, float[] src, int base, int stride) {
    double sum = 0;
    for (int t = 0; t < k.count[i]; t++) {
      sum += k.weights[i][t] * src[base + (k.first[i] + t) * stride];
    }
    return (float) Math.min(255.0, Math.max(0.0, sum));
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
