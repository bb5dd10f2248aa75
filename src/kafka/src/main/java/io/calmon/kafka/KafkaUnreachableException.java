package io.calmon.kafka;

/** No Kafka broker answered at the given bootstrap servers within the allowed time. */
public final class KafkaUnreachableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String bootstrapServers;
  private final String reason;

  public KafkaUnreachableException(String bootstrapServers, String reason, Throwable cause) {
    super("Kafka at " + bootstrapServers + " is not reachable: " + reason, cause);
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
