package io.calmon.clip.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What an {@link ImageLoader} may read: the pixel budget checked on the header, the most encoded
 * bytes per image, and the directories {@code file://} claim checks may name.
 *
 * @param maxPixels images whose header claims more pixels are refused (and images of wider samples
 *     get fewer, see {@link ImagePreprocessor#BYTES_PER_PIXEL})
 * @param maxBytes encoded images (inline or claim-check files) larger than this are refused; a
 *     claim-check file is never read past this many bytes plus one
 * @param allowedRoots directories under which claim-check files may lie (links resolved); empty,
 *     the default, turns claim checks off: a record cannot make the service read a file unless the
 *     operator named a directory for it
 */
public record ImageLimits(long maxPixels, long maxBytes, List<Path> allowedRoots) {

  public static final long DEFAULT_MAX_BYTES = 64L << 20;

  /** The largest byte limit: one Java array. */
  public static final long MAX_BYTES = 1L << 30;

  public ImageLimits {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("max pixels must be at least 1, got " + maxPixels);
    }
    if (maxBytes < 1 || maxBytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          "max image bytes must be in 1.." + MAX_BYTES + ", got " + maxBytes);
    }
    Objects.requireNonNull(allowedRoots, "allowedRoots");
    allowedRoots = allowedRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
  }

  /** The default pixel and byte limits, claim checks off. */
  public static ImageLimits defaults() {
    return new ImageLimits(ImagePreprocessor.DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES, List.of());
  }
}
