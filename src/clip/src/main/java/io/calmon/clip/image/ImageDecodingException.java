package io.calmon.clip.image;

import io.calmon.clip.ClipException;

/** Image bytes that cannot (or must not) be decoded: corrupt, unsupported, or too many pixels. */
public class ImageDecodingException extends ClipException {
  private static final long serialVersionUID = 1L;

  public ImageDecodingException(String message) {
    super(message);
  }

  public ImageDecodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
