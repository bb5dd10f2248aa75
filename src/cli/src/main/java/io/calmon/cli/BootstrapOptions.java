package io.calmon.cli;

import io.calmon.kafka.KafkaUnreachableException;
import io.calmon.kafka.TopicAdmin;
import java.time.Duration;
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
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "How long to wait for the cluster to answer (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  /**
   * Connects, turning an unreachable cluster into a user error naming the flag.
   *
   * @throws UserError if the timeout is not positive or no broker answers in time
   */
  TopicAdmin connect() {
    if (timeoutSeconds < 1) {
      throw new UserError("--timeout must be at least 1 second, got " + timeoutSeconds);
    }
    try {
      return TopicAdmin.connect(bootstrapServers, Duration.ofSeconds(timeoutSeconds));
    } catch (KafkaUnreachableException e) {
      throw new UserError("--bootstrap-servers " + bootstrapServers + ": " + e.reason(), e);
    }
  }
}
