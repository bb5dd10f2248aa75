package io.calmon.broker.testing;

import java.util.Map;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The broker of the {@code *ContainerIT} integration tests: Apache's own Kafka image of the client
 * jars' release, through Testcontainers, so that what passes on the embedded broker is shown to
 * pass on a stock Kafka too. Shared with the services' tests as calmon-kafka's test-jar (this
 * package only). Testcontainers' own settings make it a single node (internal topics with one
 * replica, no initial rebalance delay); anything else a test relies on is passed as broker
 * properties, the way the image reads them: as environment variables ({@link
 * #environmentVariable}).
 */
public final class KafkaContainers {

  /** {@code apache/kafka:<kafka-clients version>} (AppInfoParser: internal since Kafka 4.x). */
  public static final DockerImageName IMAGE =
      DockerImageName.parse("apache/kafka:" + AppInfoParser.getVersion());

  private KafkaContainers() {}

  /** A single-node broker of {@link #IMAGE} with the image's defaults; not started. */
  public static KafkaContainer apacheKafka() {
    return apacheKafka(Map.of());
  }

  /**
   * A single-node broker of {@link #IMAGE} with these server properties on top of the image's and
   * Testcontainers' settings, e.g. {@code
   * transaction.abort.timed.out.transaction.cleanup.interval.ms = 1000}; not started.
   */
  public static KafkaContainer apacheKafka(Map<String, String> brokerProperties) {
    KafkaContainer kafka = new KafkaContainer(IMAGE);
    brokerProperties.forEach((key, value) -> kafka.withEnv(environmentVariable(key), value));
    return kafka;
  }

  /**
   * The environment variable through which the apache/kafka image sets a server property: {@code
   * KAFKA_} and the key in upper case, with '_' written '__', '-' written '___' and '.' written '_'
   * (docker/examples/README.md in the Kafka repository), e.g. {@code log.retention.check
   * .interval.ms} is {@code KAFKA_LOG_RETENTION_CHECK_INTERVAL_MS}.
   *
   * @throws IllegalArgumentException if {@code property} is blank or has a character other than
   *     letters, digits, '.', '_' and '-'
   */
  public static String environmentVariable(String property) {
    if (property == null || property.isBlank()) {
      throw new IllegalArgumentException("broker property name is blank: '" + property + "'");
    }
    StringBuilder name = new StringBuilder("KAFKA_");
    for (char c : property.toCharArray()) {
      switch (c) {
        case '.' -> name.append('_');
        case '_' -> name.append("__");
        case '-' -> name.append("___");
        default -> {
          if (!Character.isLetterOrDigit(c) || c > 127) {
            throw new IllegalArgumentException(
                "not a broker property name: '" + property + "' (character '" + c + "')");
          }
          name.append(Character.toUpperCase(c));
        }
      }
    }
    return name.toString();
  }
}
