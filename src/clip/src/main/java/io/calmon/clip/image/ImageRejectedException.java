package io.calmon.clip.image;

import io.calmon.clip.ClipException;

/**
 * An image that {@link ImageLoader} refuses; {@link #reason()} is machine-readable (services use
 * its name as the dead letter's error type) and the message is a sentence naming the input.
 */
public class ImageRejectedException extends ClipException {
  private static final long serialVersionUID = 1L;

  /** Why an image was refused. */
  public enum Reason {
    /** Neither or both of inline bytes and a claim check. */
    INVALID_EVENT,
    /** A claim check that is not a {@code file://} URI. */
    UNSUPPORTED_URI,
    /** A claim check outside the allowed roots, or claim checks are off. */
    URI_NOT_ALLOWED,
    /** A claim check that is no valid URI, names no regular file, or cannot be read. */
    UNREADABLE_URI,
    /** Over the byte limit, or a header over the pixel budget. */
    IMAGE_TOO_LARGE,
    /** Bytes that are no image, or a corrupt or truncated one. */
    CORRUPT_IMAGE
  }

  private final Reason reason;

  public ImageRejectedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
