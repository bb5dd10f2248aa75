package io.calmon.cli;

import io.calmon.kafka.KafkaAuthenticationException;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.kafka.KafkaClientConfigException;
import io.calmon.kafka.KafkaUnreachableException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --kafka-config FILE}: a Kafka client properties file (security settings) for every client
 * a command creates, as Kafka's own tools take {@code --command-config}; {@code
 * $CALMON_KAFKA_CONFIG} names it when the flag is absent. Read once per command.
 */
public final class KafkaConfigOption {

  static final String FLAG = "--kafka-config";

  @Option(
      names = FLAG,
      paramLabel = "FILE",
      description =
          "Kafka client properties (security.protocol, sasl.*, ssl.* ...) for every Kafka client"
              + " (default: $"
              + KafkaClientConfig.ENV
              + ", else none).")
  Path file;

  private KafkaClientConfig loaded;
  private String source;

  /**
   * The client properties, read on first use.
   *
   * @throws UserError naming the flag (or the variable) and the path when the file is missing,
   *     unreadable or sets a key calmon owns
   */
  public KafkaClientConfig get() {
    if (loaded == null) {
      String env = System.getenv(KafkaClientConfig.ENV);
      if (file == null && (env == null || env.isBlank())) {
        source = FLAG + " (none given)";
        loaded = KafkaClientConfig.none();
      } else {
        String name = file != null ? FLAG : "$" + KafkaClientConfig.ENV;
        Path path = file != null ? file : Path.of(env.trim());
        source = name + " " + path;
        loaded = load(path, name);
      }
    }
    return loaded;
  }

  /**
   * Reads {@code path}.
   *
   * @param name how the user gave it: the flag or the variable
   * @throws UserError {@code NAME PATH: reason}, one line
   */
  static KafkaClientConfig load(Path path, String name) {
    try {
      return KafkaClientConfig.load(path);
    } catch (IllegalArgumentException e) {
      throw new UserError(name + " " + e.getMessage(), e);
    }
  }

  /**
   * The line a command ends with when the cluster could not be used: refused client properties or a
   * refused login name this option (the credentials are in its file), anything else the bootstrap
   * servers.
   */
  UserError unreachable(KafkaUnreachableException e) {
    return unreachable(e, source());
  }

  /**
   * {@link #unreachable(KafkaUnreachableException, String)} for a service, whose client properties
   * come from its {@code kafka-config} key.
   */
  static UserError unreachable(KafkaUnreachableException e, KafkaClientConfig kafka) {
    return unreachable(e, "kafka-config " + kafka.file().map(Object::toString).orElse("(none)"));
  }

  /**
   * The line a command ends with when the cluster could not be used, naming {@code source} (the
   * flag or key and the file) for refused client properties or credentials.
   */
  static UserError unreachable(KafkaUnreachableException e, String source) {
    if (e instanceof KafkaClientConfigException) {
      return new UserError(source + ": " + e.reason(), e);
    }
    if (e instanceof KafkaAuthenticationException) {
      return new UserError(
          source + ": Kafka at " + e.bootstrapServers() + " refused the credentials: " + e.reason(),
          e);
    }
    return new UserError("--bootstrap-servers " + e.bootstrapServers() + ": " + e.reason(), e);
  }

  /** What to name in a message: the flag or the variable, with the file. */
  String source() {
    get();
    return source;
  }
}
