package io.calmon.kafka;

/**
 * Kafka at the given bootstrap servers cannot be used: no broker answered within the allowed time,
 * or (subclasses) one answered and refused the client's credentials ({@link
 * KafkaAuthenticationException}), or the client itself refused the operator's client properties
 * ({@link KafkaClientConfigException}).
 */
public class KafkaUnreachableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String bootstrapServers;
  private final String reason;

  public KafkaUnreachableException(String bootstrapServers, String reason, Throwable cause) {
    this("is not reachable", bootstrapServers, reason, cause);
  }

  KafkaUnreachableException(String what, String bootstrapServers, String reason, Throwable cause) {
    super("Kafka at " + bootstrapServers + " " + what + ": " + reason, cause);
    this.bootstrapServers = bootstrapServers;
    this.reason = reason;
  }

  /** Why, in a few words, without the address: e.g. "no broker answered within 10000 ms". */
  public String reason() {
    return reason;
  }

  /** The bootstrap servers that were tried. */
  public String bootstrapServers() {
    return bootstrapServers;
  }
}
