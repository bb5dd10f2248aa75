package io.calmon.kafka;

/**
 * The cluster answered but refused this client's credentials (a wrong SASL password, an untrusted
 * or refused TLS certificate). Retrying does not help, so start-up ends at once with {@link
 * #reason()}, Kafka's words (e.g. "... invalid credentials with SASL mechanism SCRAM-SHA-512"),
 * which never quote a secret.
 */
public final class KafkaAuthenticationException extends KafkaUnreachableException {
  private static final long serialVersionUID = 1L;

  public KafkaAuthenticationException(String bootstrapServers, String reason, Throwable cause) {
    super("refused this client", bootstrapServers, reason, cause);
  }
}
