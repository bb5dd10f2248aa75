package io.calmon.clip;

/**
 * A model directory that cannot be read as CLIP: missing or mis-shaped tensor, corrupt safetensors,
 * bad or inconsistent config.json, unknown activation.
 */
public class ModelFormatException extends ClipException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
