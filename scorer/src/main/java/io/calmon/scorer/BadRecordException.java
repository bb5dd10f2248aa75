package io.calmon.scorer;

/**
 * An image event the scorer must not score; it goes to dead-letters with {@link #errorType()}:
 * {@code MISSING_KEY}, {@code MISSING_EVENT_ID}, {@code INVALID_TIME}, {@code
 * EVENT_TIME_IN_FUTURE}. (Images refused by the loader carry an {@code
 * ImageRejectedException.Reason}, undecodable records a {@code RecordDecodingException.Reason}; a
 * record whose output the broker keeps refusing gets {@code SEND_FAILED}.)
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
