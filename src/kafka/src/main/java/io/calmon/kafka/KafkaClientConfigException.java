package io.calmon.kafka;

/**
 * The Kafka client refused the operator's client properties before any connection (an unknown
 * {@code security.protocol}, a JAAS line it cannot parse, a truststore it cannot open). {@link
 * #reason()} is the client's words with secret values scrubbed.
 */
public final class KafkaClientConfigException extends KafkaUnreachableException {
  private static final long serialVersionUID = 1L;

  public KafkaClientConfigException(String bootstrapServers, String reason, Throwable cause) {
    super("cannot be used with these client properties", bootstrapServers, reason, cause);
  }
}
