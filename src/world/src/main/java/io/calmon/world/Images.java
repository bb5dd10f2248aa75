package io.calmon.world;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Conversions of rendered images: PNG bytes and channel-first float arrays. */
public final class Images {
  private Images() {}

  /** The image as PNG bytes (lossless, so the scorer sees exactly what was rendered). */
  public static byte[] toPng(BufferedImage img) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, "png", out)) {
        throw new IllegalStateException("no PNG writer available");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The image as floats in [0, 1], channel-first: {@code [3, height, width]} flattened, red plane
   * first. No mean/std normalisation: that belongs to the model's preprocessing.
   */
  public static float[] toChw(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    float[] out = new float[3 * h * w];
    toChw(img, out, 0);
    return out;
  }

  /** Writes {@link #toChw(BufferedImage)} into {@code out} from {@code offset}. */
  public static void toChw(BufferedImage img, float[] out, int offset) {
    int w = img.getWidth();
    int h = img.getHeight();
    int plane = w * h;
    int[] px =
        img.getType() == BufferedImage.TYPE_INT_RGB
            ? (int[]) img.getRaster().getDataElements(0, 0, w, h, null)
            : img.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < plane; i++) {
      int p = px[i];
      out[offset + i] = ((p >> 16) & 0xFF) / 255f; // [0, y, x] red
      out[offset + plane + i] = ((p >> 8) & 0xFF) / 255f; // [1, y, x] green
      out[offset + 2 * plane + i] = (p & 0xFF) / 255f; // [2, y, x] blue
    }
  }
}
