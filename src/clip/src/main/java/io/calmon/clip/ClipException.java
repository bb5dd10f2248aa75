package io.calmon.clip;

/**
 * A problem with a CLIP model or its input that the caller can act on: a malformed model directory,
 * an undecodable image, a prompt longer than the context. Subclasses say which; the message names
 * the offending file, tensor or value.
 */
public class ClipException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClipException(String message) {
    super(message);
  }

  public ClipException(String message, Throwable cause) {
    super(message, cause);
  }
}
