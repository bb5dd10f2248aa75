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
    /**
     * The header names a schema (a fingerprint, or a schema-registry id) that no known schema
     * version has.
     */
    UNKNOWN_SCHEMA,
    /** The schema is known, but it is a different record than the one expected here. */
    WRONG_RECORD_TYPE,
    /** The writer's schema cannot be read as the current one (an incompatible change). */
    INCOMPATIBLE_SCHEMA,
    /** The header is fine but the body is truncated, too long or garbage. */
    CORRUPT_BODY,
    /**
     * The bytes do not start with Confluent's wire-format header (magic byte 0x00 and a 4-byte
     * schema-registry id).
     */
    NOT_CONFLUENT_WIRE_FORMAT,
    /**
     * The first byte names neither wire format a reader of both accepts (0x00 Confluent, 0xC3 Avro
     * single-object encoding).
     */
    UNKNOWN_WIRE_FORMAT
  }

  private final Reason reason;

  /** A failure with its reason and a message saying what was found. */
  public RecordDecodingException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** A failure with its reason, a message saying what was found, and the underlying error. */
  public RecordDecodingException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** The machine-readable reason, e.g. for a dead letter's {@code error_type}. */
  public Reason reason() {
    return reason;
  }
}
