package io.calmon.scorer;

import io.calmon.clip.image.ImageDecodingException;
import io.calmon.clip.image.ImagePreprocessor;
import io.calmon.schemas.ImageEvent;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gets an image event's pixels: inline bytes, or a claim check ({@code file://} URI) read from
 * disk; then decodes and preprocesses them with a pixel limit checked on the header. Every failure
 * is a {@link BadRecordException} with a dead-letter error type.
 */
final class ImageSource {

  private final ImagePreprocessor preprocessor;
  private final long maxPixels;
  private final long maxImageBytes;

  ImageSource(int imageSize, long maxPixels, long maxImageBytes) {
    this.preprocessor = new ImagePreprocessor(imageSize, maxPixels);
    this.maxPixels = maxPixels;
    this.maxImageBytes = maxImageBytes;
  }

  /** Preprocessed pixels {@code [3, size, size]} of the event's image. */
  float[] pixels(ImageEvent event) {
    byte[] bytes = bytes(event);
    try {
      return preprocessor.preprocess(bytes);
    } catch (ImageDecodingException e) {
      // ImagePreprocessor has one size check, the pixel limit on the header; its message names it.
      String message = String.valueOf(e.getMessage());
      String type =
          message.contains("over the limit of " + maxPixels) ? "IMAGE_TOO_LARGE" : "CORRUPT_IMAGE";
      throw new BadRecordException(type, message, e);
    }
  }

  private byte[] bytes(ImageEvent event) {
    boolean inline = event.getImageBytes() != null;
    boolean claimCheck = event.getImageUri() != null;
    if (inline == claimCheck) {
      throw new BadRecordException(
          "INVALID_EVENT",
          "event "
              + event.getEventId()
              + " must carry exactly one of image_bytes and image_uri, has "
              + (inline ? "both" : "neither"));
    }
    if (inline) {
      byte[] bytes = new byte[event.getImageBytes().remaining()];
      event.getImageBytes().duplicate().get(bytes);
      if (bytes.length > maxImageBytes) {
        throw new BadRecordException(
            "IMAGE_TOO_LARGE", bytes.length + " image bytes, over the limit of " + maxImageBytes);
      }
      return bytes;
    }
    return read(event.getImageUri());
  }

  private byte[] read(String uriText) {
    Path path;
    try {
      URI uri = new URI(uriText);
      if (!"file".equalsIgnoreCase(uri.getScheme())) {
        throw new BadRecordException(
            "UNSUPPORTED_URI", "image_uri " + uriText + ": only file:// claim checks are read");
      }
      path = Path.of(uri);
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      throw new BadRecordException(
          "UNREADABLE_URI", "image_uri " + uriText + " is not a valid URI: " + e.getMessage(), e);
    }
    try {
      long size = Files.size(path);
      if (size > maxImageBytes) {
        throw new BadRecordException(
            "IMAGE_TOO_LARGE",
            "image_uri " + uriText + " has " + size + " bytes, over the limit of " + maxImageBytes);
      }
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new BadRecordException(
          "UNREADABLE_URI", "image_uri " + uriText + ": cannot read: " + e, e);
    }
  }
}
