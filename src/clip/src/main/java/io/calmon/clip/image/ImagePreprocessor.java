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
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * CLIP's image preprocessing: decode (JPEG, PNG, anything javax.imageio reads), resize the short
 * side to the model's image size (bicubic, antialiased), centre crop, RGB, scale to [0, 1],
 * normalise with CLIP's mean and std. An image already at the model's size is not resampled.
 *
 * <p>Dimensions are read from the image header before decoding, so a decompression bomb is rejected
 * without allocating its pixels; after decoding only the centre crop is resampled, so the working
 * memory besides the decoded image is about {@code 3 x size x (short side)} floats. Immutable and
 * thread-safe.
 */
public final class ImagePreprocessor {

  /** CLIP's per-channel (R, G, B) normalisation mean. */
  public static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

  /** CLIP's per-channel (R, G, B) normalisation standard deviation. */
  public static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

  /**
   * Default pixel limit: 50 megapixels (an 8660 x 5773 photo; PIL's 89 megapixels would let one
   * image take about 1.7 GB of heap before this class kept only the crop). With {@link
   * #BYTES_PER_PIXEL} the decoded image then stays under 200 MB.
   */
  public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

  /**
   * Decoded bytes allowed per pixel of the limit: 8-bit RGBA. Images of wider samples (16-bit PNG)
   * get fewer pixels, so the decoded raster never exceeds {@code maxPixels * BYTES_PER_PIXEL}.
   */
  public static final int BYTES_PER_PIXEL = 4;

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
    }
    // torchvision CenterCrop: offsets rounded half to even, as Python's round().
    int top = (int) Math.rint((outH - size) / 2.0);
    int left = (int) Math.rint((outW - size) / 2.0);
    // Only the crop is computed, so the working memory is about size x (short side) floats per
    // channel besides the decoded image, whatever the aspect ratio.
    float[][] planes =
        outW == w && outH == h
            ? crop(image, top, left, size)
            : Bicubic.resizeCrop(image, outW, outH, top, left, size); // [3][size * size], 0..255
    float[] out = new float[3 * size * size];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < size * size; i++) {
        float v = planes[c][i] / 255f;
        out[c * size * size + i] = (v - MEAN[c]) / STD[c];
      }
    }
    return out;
  }

  /** The {@code size x size} window at ({@code top}, {@code left}) as RGB planes, 0..255. */
  private static float[][] crop(BufferedImage image, int top, int left, int size) {
    float[][] planes = new float[3][size * size];
    int[] argb = new int[size];
    for (int y = 0; y < size; y++) {
      image.getRGB(left, top + y, size, 1, argb, 0, size); // any colour model to sRGB
      Bicubic.split(argb, planes, y * size);
    }
    return planes;
  }

  /**
   * Decodes image bytes after checking the header against the budget: at most {@code maxPixels}
   * pixels, and at most {@link #BYTES_PER_PIXEL} bytes per allowed pixel once decoded (an image of
   * 16-bit samples gets half the pixels), so a decompression bomb is refused before its pixels are
   * allocated. Decoder warnings (e.g. a truncated JPEG) are errors: a half-decoded image must not
   * be scored.
   *
   * @throws ImageTooLargeException if the header claims more than the budget
   * @throws ImageDecodingException if the bytes are no image or a corrupt one
   */
  public static BufferedImage decode(byte[] bytes, long maxPixels) {
    // In memory: ImageIO's default stream caches to a temporary file (a full disk fails images).
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageDecodingException("not a decodable image (JPEG or PNG expected)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        checkBudget(reader.getWidth(0), reader.getHeight(0), bytesPerPixel(reader), maxPixels);
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
      // The decoder's own words, without its class name (the cause keeps it for the log).
      throw new ImageDecodingException(
          "corrupt image: the decoder failed"
              + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"),
          e);
    }
  }

  private static void checkBudget(long w, long h, int bytesPerPixel, long maxPixels) {
    if (w <= 0 || h <= 0) {
      throw new ImageDecodingException("corrupt image: its header claims " + w + " x " + h);
    }
    long pixels = w * h;
    if (pixels > maxPixels) {
      throw new ImageTooLargeException(
          "image is "
              + w
              + " x "
              + h
              + " = "
              + pixels
              + " pixels, over the limit of "
              + maxPixels
              + " (decompression bomb?)");
    }
    if (pixels * bytesPerPixel > maxPixels * BYTES_PER_PIXEL) {
      throw new ImageTooLargeException(
          "image is "
              + w
              + " x "
              + h
              + " with "
              + bytesPerPixel
              + " bytes per decoded pixel: "
              + pixels * bytesPerPixel
              + " bytes, over the budget of "
              + maxPixels * BYTES_PER_PIXEL
              + " ("
              + BYTES_PER_PIXEL
              + " per pixel of the limit of "
              + maxPixels
              + ")");
    }
  }

  /**
   * Bytes per pixel of the raster the reader will decode into, from the header (at least 1); 4 when
   * the reader cannot say, as for 8-bit RGBA.
   */
  private static int bytesPerPixel(ImageReader reader) throws IOException {
    ImageTypeSpecifier type = reader.getRawImageType(0);
    if (type == null) {
      return BYTES_PER_PIXEL;
    }
    int bits = 0;
    for (int s : type.getSampleModel().getSampleSize()) {
      bits += s;
    }
    return Math.max(1, (bits + 7) / 8);
  }

  /** The output side in pixels. */
  public int size() {
    return size;
  }
}
