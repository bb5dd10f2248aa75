package io.calmon.schemas.serde;

/**
 * The one exception a calmon codec throws for bytes it cannot turn into a record. The {@link
 * Reason} is machine-readable (dead-letter records carry it); the message says what was found.
 */
public final class RecordDecodingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the bytes could not be decoded. */
  public enum Reason {
    /** Null or zero-length input. */
    EMPTY,
    /** The bytes do not start with Avro's single-object marker (0xC3 0x01). */
    NOT_SINGLE_OBJECT_ENCODING,
    /** The header names a schema fingerprint that no known schema version has. */
    UNKNOWN_SCHEMA,
    /** The schema is known, but it is a different record than the one expected here. */
    WRONG_RECORD_TYPE,
    /** The writer's schema cannot be read as the current one (an incompatible change). */
    INCOMPATIBLE_SCHEMA,
    /** The header is fine but the body is truncated, too long or garbage. */
    CORRUPT_BODY
  }

  private final Reason reason;

  RecordDecodingException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  RecordDecodingException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The machine-readable reason, e.g. for a dead letter's {@code error_type}. */
  public Reason reason() {
    return reason;
  }
}
