package io.calmon.schemas.serde.confluent;

/**
 * The one exception {@link SchemaRegistryClient} throws: the registry could not be reached, refused
 * a request, or answered something unusable. The message is a sentence for a user; it names the
 * registry's URL where that helps and never carries credentials. The {@link Kind} is
 * machine-readable.
 *
 * <p>It is deliberately not a {@link io.calmon.schemas.serde.RecordDecodingException}: when a
 * registry cannot be reached while decoding, the record is not at fault, and a service should retry
 * it (see {@link #retriable()}) rather than send it to dead letters.
 */
public final class SchemaRegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** No registry URL answered: connection refused, unknown host, time-out. */
    UNREACHABLE(true),
    /**
     * No registry URL answered and every TLS handshake failed (a certificate this client does not
     * trust, or one that does not name the host): configuration to fix, not tried again.
     */
    TLS_REFUSED(false),
    /** Every registry that answered failed with a server error (HTTP 5xx). */
    SERVER_ERROR(true),
    /** The registry wants credentials, or refused the ones given (HTTP 401). */
    NOT_AUTHENTICATED(false),
    /** The credentials are valid but not allowed this operation (HTTP 403). */
    NOT_AUTHORIZED(false),
    /** The registry refused a schema as incompatible with the subject's earlier ones (HTTP 409). */
    INCOMPATIBLE_SCHEMA(false),
    /** The registry refused a schema as invalid (HTTP 422). */
    INVALID_SCHEMA(false),
    /** The registry has no schema with the id asked for (HTTP 404, error code 40403). */
    UNKNOWN_SCHEMA_ID(false),
    /** The schema with the id asked for is not an Avro schema (another type, or unparsable). */
    NOT_AVRO(false),
    /** Any other answer: a status or body the registry's API does not document for the call. */
    UNEXPECTED_RESPONSE(false);

    private final boolean retriable;

    Kind(boolean retriable) {
      this.retriable = retriable;
    }
  }

  private final Kind kind;

  SchemaRegistryException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  SchemaRegistryException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** What went wrong, machine-readable. */
  public Kind kind() {
    return kind;
  }

  /**
   * Whether the same request may succeed later without any change of configuration: the registry
   * was unreachable or failed with a server error.
   */
  public boolean retriable() {
    return kind.retriable;
  }
}
