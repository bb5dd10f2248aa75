package io.calmon.clip.image;

/** An image whose header claims more pixels (or decoded bytes) than the budget; never decoded. */
public class ImageTooLargeException extends ImageDecodingException {
  private static final long serialVersionUID = 1L;

  public ImageTooLargeException(String message) {
    super(message);
  }
}
