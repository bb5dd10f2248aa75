package io.calmon.world;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/** Whole-image pixel operations on {@code TYPE_INT_RGB} images: fades, blur, blocks, noise. */
final class ImageEffects {
  private ImageEffects() {}

  /** Moves every pixel a fraction {@code amount} of the way towards {@code rgb}. */
  static void fadeTowards(BufferedImage img, int rgb, double amount) {
    int[] px = pixels(img);
    double[] t = {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
    for (int i = 0; i < px.length; i++) {
      int p = px[i];
      int r = (int) Math.round(((p >> 16) & 0xFF) * (1 - amount) + t[0] * amount);
      int g = (int) Math.round(((p >> 8) & 0xFF) * (1 - amount) + t[1] * amount);
      int b = (int) Math.round((p & 0xFF) * (1 - amount) + t[2] * amount);
      px[i] = (r << 16) | (g << 8) | b;
    }
    setPixels(img, px);
  }

  /** Multiplies brightness by {@code factor} with a slight cold tint (night light). */
  static void darken(BufferedImage img, double factor) {
    int[] px = pixels(img);
    for (int i = 0; i < px.length; i++) {
      int p = px[i];
      int r = clamp(((p >> 16) & 0xFF) * factor * 0.9);
      int g = clamp(((p >> 8) & 0xFF) * factor);
      int b = clamp((p & 0xFF) * factor * 1.2 + 6);
      px[i] = (r << 16) | (g << 8) | b;
    }
    setPixels(img, px);
  }

  /** Replaces each of {@code cells x cells} blocks by its mean colour. */
  static void pixelate(BufferedImage img, int cells) {
    int side = img.getWidth();
    int[] px = pixels(img);
    int[] out = new int[px.length];
    for (int cy = 0; cy < cells; cy++) {
      int y0 = cy * side / cells;
      int y1 = (cy + 1) * side / cells;
      for (int cx = 0; cx < cells; cx++) {
        int x0 = cx * side / cells;
        int x1 = (cx + 1) * side / cells;
        long r = 0;
        long g = 0;
        long b = 0;
        int n = 0;
        for (int y = y0; y < y1; y++) {
          for (int x = x0; x < x1; x++) {
            int p = px[y * side + x];
            r += (p >> 16) & 0xFF;
            g += (p >> 8) & 0xFF;
            b += p & 0xFF;
            n++;
          }
        }
        int mean = n == 0 ? 0 : (int) (r / n) << 16 | (int) (g / n) << 8 | (int) (b / n);
        for (int y = y0; y < y1; y++) {
          for (int x = x0; x < x1; x++) {
            out[y * side + x] = mean;
          }
        }
      }
    }
    setPixels(img, out);
  }

  /** Separable Gaussian blur with edge clamping; sigma in pixels, no-op below 0.05. */
  static void blur(BufferedImage img, double sigma) {
    if (sigma < 0.05) {
      return;
    }
    int w = img.getWidth();
    int h = img.getHeight();
    int radius = Math.max(1, (int) Math.ceil(3 * sigma));
    double[] k = new double[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
      sum += k[i + radius];
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= sum;
    }
    int[] px = pixels(img);
    double[][] ch = new double[3][w * h];
    for (int i = 0; i < px.length; i++) {
      ch[0][i] = (px[i] >> 16) & 0xFF;
      ch[1][i] = (px[i] >> 8) & 0xFF;
      ch[2][i] = px[i] & 0xFF;
    }
    double[] tmp = new double[w * h];
    for (double[] c : ch) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double acc = 0;
          for (int i = -radius; i <= radius; i++) {
            int xx = Math.min(w - 1, Math.max(0, x + i));
            acc += k[i + radius] * c[y * w + xx];
          }
          tmp[y * w + x] = acc;
        }
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double acc = 0;
          for (int i = -radius; i <= radius; i++) {
            int yy = Math.min(h - 1, Math.max(0, y + i));
            acc += k[i + radius] * tmp[yy * w + x];
          }
          c[y * w + x] = acc;
        }
      }
    }
    for (int i = 0; i < px.length; i++) {
      px[i] = (clamp(ch[0][i]) << 16) | (clamp(ch[1][i]) << 8) | clamp(ch[2][i]);
    }
    setPixels(img, px);
  }

  /** Adds independent Gaussian noise of standard deviation {@code std} (in [0, 1] units). */
  static void addNoise(BufferedImage img, double std, SplittableRandom rng) {
    if (std <= 0) {
      return;
    }
    int[] px = pixels(img);
    double s = std * 255;
    for (int i = 0; i < px.length; i++) {
      int p = px[i];
      int r = clamp(((p >> 16) & 0xFF) + s * gaussian(rng));
      int g = clamp(((p >> 8) & 0xFF) + s * gaussian(rng));
      int b = clamp((p & 0xFF) + s * gaussian(rng));
      px[i] = (r << 16) | (g << 8) | b;
    }
    setPixels(img, px);
  }

  /** Standard normal by Box-Muller; SplittableRandom has no nextGaussian on Java 17. */
  static double gaussian(SplittableRandom rng) {
    double u = 1.0 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** The pixels as 0xRRGGBB ints (raster access: getRGB converts pixel by pixel, 10x slower). */
  static int[] pixels(BufferedImage img) {
    requireIntRgb(img);
    return (int[]) img.getRaster().getDataElements(0, 0, img.getWidth(), img.getHeight(), null);
  }

  static void setPixels(BufferedImage img, int[] px) {
    requireIntRgb(img);
    img.getRaster().setDataElements(0, 0, img.getWidth(), img.getHeight(), px);
  }

  private static void requireIntRgb(BufferedImage img) {
    if (img.getType() != BufferedImage.TYPE_INT_RGB) {
      throw new IllegalArgumentException("expected TYPE_INT_RGB, got type " + img.getType());
    }
  }

  static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
