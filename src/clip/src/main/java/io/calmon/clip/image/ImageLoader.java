package io.calmon.clip.image;

import static io.calmon.clip.image.ImageRejectedException.Reason.CORRUPT_IMAGE;
import static io.calmon.clip.image.ImageRejectedException.Reason.IMAGE_TOO_LARGE;
import static io.calmon.clip.image.ImageRejectedException.Reason.INVALID_EVENT;
import static io.calmon.clip.image.ImageRejectedException.Reason.UNREADABLE_URI;
import static io.calmon.clip.image.ImageRejectedException.Reason.UNSUPPORTED_URI;
import static io.calmon.clip.image.ImageRejectedException.Reason.URI_NOT_ALLOWED;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * An image event's pixels, the one path the scorer and the trainer share: inline bytes, or a {@code
 * file://} claim check read from disk, within {@link ImageLimits}; then decoded with the pixel
 * budget checked on the header and preprocessed for CLIP. Every refusal is an {@link
 * ImageRejectedException} with a reason.
 *
 * <p>A claim check is read only if it lies under an allowed root (before and after resolving
 * links), is a regular file (a FIFO or a device is refused before it is opened, so it cannot hang
 * or stream for ever) and is no larger than the byte limit; even then at most the limit plus one
 * byte is read, in case the file grew. Thread-safe.
 */
public final class ImageLoader {

  /** Reads of a claim check that fail with an I/O error other than a missing or forbidden file. */
  static final int READ_ATTEMPTS = 3;

  private static final long FIRST_BACKOFF_MS = 50;

  /** Opens a claim check's file for reading (tests stand in a failing file system). */
  interface FileOpener {
    InputStream open(Path file) throws IOException;
  }

  private final ImagePreprocessor preprocessor;
  private final ImageLimits limits;
  private final List<Path> roots;
  private final FileOpener opener;

  /** A loader for a model with {@code imageSize} inputs. */
  public ImageLoader(int imageSize, ImageLimits limits) {
    this(imageSize, limits, Files::newInputStream);
  }

  ImageLoader(int imageSize, ImageLimits limits, FileOpener opener) {
    this.opener = opener;
    this.preprocessor = new ImagePreprocessor(imageSize, limits.maxPixels());
    this.limits = limits;
    List<Path> real = new ArrayList<>();
    for (Path root : limits.allowedRoots()) {
      real.add(root);
      try {
        real.add(root.toRealPath()); // files are compared after their links are resolved
      } catch (IOException e) {
        // A root that does not exist (yet) holds no file to resolve: its own path suffices.
      }
    }
    this.roots = List.copyOf(real);
  }

  /**
   * Preprocessed pixels {@code [3, size, size]} of the image given by exactly one of {@code inline}
   * and {@code uri}.
   *
   * @param what names the input in messages, e.g. "event e-17"
   * @throws ImageRejectedException if the image cannot or must not be used
   */
  public float[] pixels(String what, ByteBuffer inline, String uri) {
    byte[] bytes = bytes(what, inline, uri);
    try {
      return preprocessor.preprocess(bytes);
    } catch (ImageTooLargeException e) {
      throw new ImageRejectedException(IMAGE_TOO_LARGE, what + ": " + e.getMessage(), e);
    } catch (ImageDecodingException e) {
      throw new ImageRejectedException(CORRUPT_IMAGE, what + ": " + e.getMessage(), e);
    }
  }

  private byte[] bytes(String what, ByteBuffer inline, String uri) {
    if ((inline == null) == (uri == null)) {
      throw new ImageRejectedException(
          INVALID_EVENT,
          what
              + " must carry exactly one of image_bytes and image_uri, has "
              + (inline == null ? "neither" : "both"),
          null);
    }
    if (inline != null) {
      if (inline.remaining() > limits.maxBytes()) {
        throw tooLarge(what + " has " + inline.remaining() + " image bytes");
      }
      byte[] bytes = new byte[inline.remaining()];
      inline.duplicate().get(bytes);
      return bytes;
    }
    return read(what + ": image_uri " + uri, claimCheck(what, uri));
  }

  /** The claim check's file, once it is known to be an allowed, regular, small enough file. */
  private Path claimCheck(String what, String uriText) {
    String named = what + ": image_uri " + uriText;
    Path path;
    try {
      URI uri = new URI(uriText);
      if (!"file".equalsIgnoreCase(uri.getScheme())) {
        throw new ImageRejectedException(
            UNSUPPORTED_URI, named + " is not read: only file:// claim checks are", null);
      }
      path = Path.of(uri).toAbsolutePath().normalize();
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new ImageRejectedException(
          UNREADABLE_URI, named + " is not a valid file URI (" + e.getMessage() + ")", e);
    }
    if (roots.isEmpty()) {
      throw new ImageRejectedException(
          URI_NOT_ALLOWED,
          named + " is not read: claim checks are off (no allowed image roots are configured)",
          null);
    }
    if (!allowed(path)) {
      throw notAllowed(named);
    }
    try {
      Path real = path.toRealPath();
      if (!allowed(real)) {
        throw notAllowed(named + " (through a link)");
      }
      BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        throw new ImageRejectedException(
            UNREADABLE_URI, named + " is not a regular file (a directory, FIFO or device)", null);
      }
      if (attributes.size() > limits.maxBytes()) {
        throw tooLarge(named + " has " + attributes.size() + " bytes");
      }
      return real;
    } catch (IOException e) {
      throw unreadable(named, e);
    }
  }

  /**
   * The file's bytes. An I/O error that may pass (a network file system's hiccup, a stale handle)
   * is retried {@link #READ_ATTEMPTS} times in all with a doubling backoff from 50 ms before the
   * claim check becomes a dead letter; a missing or forbidden file is refused at once.
   */
  private byte[] read(String named, Path file) {
    long backoff = FIRST_BACKOFF_MS;
    for (int attempt = 1; ; attempt++) {
      try (InputStream in = opener.open(file)) {
        byte[] bytes = in.readNBytes((int) limits.maxBytes() + 1);
        if (bytes.length > limits.maxBytes()) {
          throw tooLarge(named + " grew past the limit while it was read");
        }
        return bytes;
      } catch (NoSuchFileException | AccessDeniedException e) {
        throw unreadable(named, e);
      } catch (IOException e) {
        if (attempt >= READ_ATTEMPTS) {
          throw unreadable(named + " (" + attempt + " attempts)", e);
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw unreadable(named, e);
        }
        backoff *= 2;
      }
    }
  }

  private boolean allowed(Path path) {
    return roots.stream().anyMatch(path::startsWith);
  }

  private ImageRejectedException notAllowed(String named) {
    return new ImageRejectedException(
        URI_NOT_ALLOWED,
        named + " is outside the allowed image roots " + limits.allowedRoots(),
        null);
  }

  private ImageRejectedException tooLarge(String message) {
    return new ImageRejectedException(
        IMAGE_TOO_LARGE, message + ", over the limit of " + limits.maxBytes(), null);
  }

  private static ImageRejectedException unreadable(String named, IOException e) {
    String why =
        e instanceof NoSuchFileException
            ? "no such file"
            : e instanceof AccessDeniedException
                ? "permission denied"
                : "an I/O error" + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return new ImageRejectedException(UNREADABLE_URI, named + " cannot be read: " + why, e);
  }
}
