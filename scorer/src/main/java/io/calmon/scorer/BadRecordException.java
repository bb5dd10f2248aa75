package io.calmon.scorer;

/**
 * An image event the scorer cannot score; it goes to dead-letters with {@link #errorType()}. Error
 * types: {@code INVALID_EVENT}, {@code UNSUPPORTED_URI}, {@code UNREADABLE_URI}, {@code
 * IMAGE_TOO_LARGE}, {@code CORRUPT_IMAGE}, and the {@code RecordDecodingException} reasons.
 */
final class BadRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String errorType;

  BadRecordException(String errorType, String message) {
    super(message);
    this.errorType = errorType;
  }

  BadRecordException(String errorType, String message, Throwable cause) {
    super(message, cause);
    this.errorType = errorType;
  }

  String errorType() {
    return errorType;
  }
}
