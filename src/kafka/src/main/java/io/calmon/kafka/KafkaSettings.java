package io.calmon.kafka;

import io.calmon.service.ConfigException;
import io.calmon.service.LayeredConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The keys every service that talks to Kafka shares, defined once so that they are spelled, read
 * and checked the same way everywhere: {@code bootstrap-servers}, {@code kafka-config} (a Kafka
 * client properties file: security, client tuning, the value format), {@code prefix} (of every
 * calmon topic name) and {@code connect-timeout}.
 */
public final class KafkaSettings {

  /** Where a service looks for Kafka when nothing says otherwise. */
  public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";

  private KafkaSettings() {}

  /** Adds the shared keys to {@code builder}. */
  public static LayeredConfig.Builder define(LayeredConfig.Builder builder) {
    return builder
        .define(
            "bootstrap-servers",
            DEFAULT_BOOTSTRAP_SERVERS,
            "HOST:PORT[,...]",
            "Kafka bootstrap servers")
        .define(
            "kafka-config",
            null,
            "FILE",
            "Kafka client properties (security.protocol, sasl.*, ssl.*, value.format ...) for"
                + " every Kafka client")
        .define("prefix", "", "PREFIX", "put this in front of every calmon topic name")
        .define(
            "connect-timeout",
            "30s",
            "DURATION",
            "how long start-up waits for the cluster to answer");
  }

  /** How long start-up waits for the cluster to answer. */
  public static Duration connectTimeout(LayeredConfig config) {
    return config.duration("connect-timeout", Duration.ofMillis(1));
  }

  /** The bootstrap servers. */
  public static String bootstrapServers(LayeredConfig config) {
    return config.string("bootstrap-servers");
  }

  /**
   * The client properties file named by {@code kafka-config}, or none.
   *
   * @throws ConfigException naming the key and where it came from if the file cannot be read or
   *     sets a key calmon owns
   */
  public static KafkaClientConfig kafka(LayeredConfig config) {
    String file = config.optionalString("kafka-config");
    if (file == null) {
      return KafkaClientConfig.none();
    }
    try {
      return KafkaClientConfig.load(Path.of(file));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "kafka-config", e.getMessage() + " (from " + config.source("kafka-config") + ")", e);
    }
  }

  /** The topic catalogue with the configured prefix. */
  public static CalmonTopics topics(LayeredConfig config) {
    try {
      return CalmonTopics.withPrefix(config.optionalString("prefix"));
    } catch (IllegalArgumentException e) {
      throw config.invalid("prefix", e.getMessage());
    }
  }
}
