package io.calmon.cli;

import io.calmon.kafka.KafkaClientConfig;
import io.calmon.kafka.KafkaUnreachableException;
import io.calmon.kafka.TopicAdmin;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the Kafka cluster is and how long to wait for it; shared by the commands that talk to it.
 */
final class BootstrapOptions {

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      defaultValue = "${env:CALMON_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
      description =
          "Kafka bootstrap servers (default: $CALMON_BOOTSTRAP_SERVERS, else ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description = "How long to wait for the cluster to answer (default: ${DEFAULT-VALUE}).")
  String connectTimeout;

  @Mixin KafkaConfigOption kafka = new KafkaConfigOption();

  /**
   * How long to wait for the cluster.
   *
   * @throws UserError naming the flag if it is no duration of at least 1 ms
   */
  Duration connectTimeout() {
    Duration timeout = DurationFlag.parse("--connect-timeout", connectTimeout);
    if (timeout.isZero() || timeout.isNegative()) {
      throw new UserError("--connect-timeout must be positive, got " + connectTimeout);
    }
    return timeout;
  }

  /** The operator's Kafka client properties, read once. */
  KafkaClientConfig kafka() {
    return kafka.get();
  }

  /**
   * Connects, turning an unreachable cluster into a user error naming the flag.
   *
   * @throws UserError if the timeout is no positive duration, no broker answers in time, or the
   *     cluster refuses the credentials of {@code --kafka-config}
   */
  TopicAdmin connect() {
    KafkaClientConfig config = kafka();
    try {
      return TopicAdmin.connect(bootstrapServers, config, connectTimeout());
    } catch (KafkaUnreachableException e) {
      throw kafka.unreachable(e);
    }
  }
}
