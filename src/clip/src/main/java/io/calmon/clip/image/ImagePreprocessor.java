package io.calmon.clip.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * CLIP's image preprocessing: decode (JPEG, PNG, anything javax.imageio reads), resize the short
 * side to the model's image size (bicubic, antialiased), centre crop, RGB, scale to [0, 1],
 * normalise with CLIP's mean and std. An image already at the model's size is not resampled.
 *
 * <p>Dimensions are read from the image header before decoding, so a decompression bomb is rejected
 * without allocating its pixels. Immutable and thread-safe.
 */
public final class ImagePreprocessor {

  /** CLIP's per-channel (R, G, B) normalisation mean. */
  public static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

  /** CLIP's per-channel (R, G, B) normalisation standard deviation. */
  public static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

  /** Default pixel limit: PIL's, about 89 megapixels. */
  public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

  private final int size;
  private final long maxPixels;

  /** Preprocessing to {@code size x size} with the default pixel limit. */
  public ImagePreprocessor(int size) {
    this(size, DEFAULT_MAX_PIXELS);
  }

  /** Preprocessing to {@code size x size}; images over {@code maxPixels} are refused. */
  public ImagePreprocessor(int size, long maxPixels) {
    if (size <= 0) {
      throw new IllegalArgumentException("size must be > 0, got " + size);
    }
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be > 0, got " + maxPixels);
    }
    this.size = size;
    this.maxPixels = maxPixels;
  }

  /** Reads and preprocesses an image file: {@code [3, size, size]} row-major. */
  public float[] preprocess(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ImageDecodingException("cannot read image " + file + ": " + e.getMessage(), e);
    }
    try {
      return preprocess(bytes);
    } catch (ImageDecodingException e) {
      throw new ImageDecodingException(file + ": " + e.getMessage(), e);
    }
  }

  /** Decodes and preprocesses encoded image bytes: {@code [3, size, size]} row-major. */
  public float[] preprocess(byte[] bytes) {
    return preprocess(decode(bytes, maxPixels));
  }

  /** Preprocesses a decoded image: {@code [3, size, size]} row-major (channel, row, column). */
  public float[] preprocess(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[][] planes = rgbPlanes(image); // [3][h * w], values 0..255
    int outW = w;
    int outH = h;
    if (Math.min(w, h) != size) {
      // torchvision Resize(size): the short side becomes size, the long side is truncated.
      if (w <= h) {
        outW = size;
        outH = (int) ((long) size * h / w);
      } else {
        outH = size;
        outW = (int) ((long) size * w / h);
      }
      for (int c = 0; c < 3; c++) {
        planes[c] = Bicubic.resize(planes[c], w, h, outW, outH);
      }
    }
    // torchvision CenterCrop: offsets rounded half to even, as Python's round().
    int top = (int) Math.rint((outH - size) / 2.0);
    int left = (int) Math.rint((outW - size) / 2.0);
    float[] out = new float[3 * size * size];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          float v = planes[c][(y + top) * outW + (x + left)] / 255f;
          out[(c * size + y) * size + x] = (v - MEAN[c]) / STD[c];
        }
      }
    }
    return out;
  }

  private static float[][] rgbPlanes(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w); // any colour model to sRGB; alpha dropped
    float[][] planes = new float[3][w * h];
    for (int i = 0; i < argb.length; i++) {
      planes[0][i] = (argb[i] >> 16) & 0xff;
      planes[1][i] = (argb[i] >> 8) & 0xff;
      planes[2][i] = argb[i] & 0xff;
    }
    return planes;
  }

  /**
   * Decodes image bytes after checking the header's dimensions against {@code maxPixels}. Decoder
   * warnings (e.g. a truncated JPEG) are errors: a half-decoded image must not be scored.
   */
  public static BufferedImage decode(byte[] bytes, long maxPixels) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageDecodingException("not a decodable image (JPEG or PNG expected)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w <= 0 || h <= 0 || w * h > maxPixels) {
          throw new ImageDecodingException(
              "image is "
                  + w
                  + " x "
                  + h
                  + " = "
                  + w * h
                  + " pixels, over the limit of "
                  + maxPixels
                  + " (decompression bomb?)");
        }
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new ImageDecodingException("corrupt image: " + String.join("; ", warnings));
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ImageDecodingException) {
        throw (ImageDecodingException) e;
      }
      throw new ImageDecodingException("corrupt image: " + e, e);
    }
  }

  /** The output side in pixels. */
  public int size() {
    return size;
  }
}
