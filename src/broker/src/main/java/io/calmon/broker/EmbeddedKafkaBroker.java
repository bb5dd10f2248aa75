package io.calmon.broker;

import io.calmon.kafka.BrokerReadiness;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.kafka.TopicAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker and controller), running inside
 * this JVM from the Maven Central jars: no Docker, no download. It backs {@code calmon broker}, the
 * demo and the integration tests.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
 *   String bootstrap = broker.bootstrapServers(); // "127.0.0.1:40123"
 * }
 * }</pre>
 *
 * <p>Listeners bind to 127.0.0.1 only. Internal topics have one replica, so consumer groups,
 * transactional producers and Kafka Streams with {@code exactly_once_v2} work. Topics are not
 * auto-created: create them with {@link TopicAdmin}. A given data dir survives {@link #close()} and
 * a later broker on the same dir sees the same topics and records; without one, a temporary
 * directory is used and deleted on close.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final int requestedPort;
  private final Path givenDataDir;
  private final Map<String, String> extraProperties;
  private final Duration startTimeout;
  private final SaslSslListener secure;

  private Path dataDir;
  private KafkaRaftServer server;
  private String bootstrapServers;
  private String secureBootstrapServers;
  private boolean closed;

  private EmbeddedKafkaBroker(Builder builder) {
    this.requestedPort = builder.port;
    this.givenDataDir = builder.dataDir;
    this.extraProperties = Map.copyOf(builder.extraProperties);
    this.startTimeout = builder.startTimeout;
    this.secure = builder.secure;
  }

  /** A builder with the defaults: a free port, a temporary data dir, a 60 s start timeout. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Formats the data dir if it is new, starts the broker and waits until it answers an admin
   * request.
   *
   * @return this broker, started
   * @throws IllegalStateException if it is already started or closed, if the data dir is not a
   *     Kafka data dir, or if the broker does not start or answer within the start timeout
   */
  public synchronized EmbeddedKafkaBroker start() {
    if (closed) {
      throw new IllegalStateException("broker already closed; build a new one");
    }
    if (server != null) {
      throw new IllegalStateException("broker already started at " + bootstrapServers);
    }
    if (requestedPort != 0) {
      LoopbackPorts.checkFree(requestedPort);
    }
    dataDir = givenDataDir != null ? givenDataDir : DataDirs.createTemp();
    try {
      return startOnDataDir();
    } catch (RuntimeException e) {
      // The caller never gets a started broker to close, so a temporary dir would leak.
      if (givenDataDir == null) {
        DataDirs.deleteRecursively(dataDir);
      }
      throw e;
    }
  }

  private EmbeddedKafkaBroker startOnDataDir() {
    long startNanos = System.nanoTime();
    DataDirs.create(dataDir);
    String clusterId = KRaftStorage.formatIfNeeded(dataDir);
    int[] ports = LoopbackPorts.free(3, requestedPort);
    int brokerPort = requestedPort != 0 ? requestedPort : ports[0];
    int controllerPort = ports[1];
    int securePort = secure != null ? ports[2] : 0;
    Properties props =
        EmbeddedBrokerConfig.serverProperties(
            dataDir, brokerPort, controllerPort, secure, securePort, extraProperties);
    String bootstrap = EmbeddedBrokerConfig.HOST + ":" + brokerPort;
    KafkaRaftServer starting = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
    try {
      starting.startup();
      server = starting;
      BrokerReadiness.await(bootstrap, KafkaClientConfig.none(), startTimeout);
    } catch (RuntimeException e) {
      stopQuietly(starting);
      server = null;
      throw new IllegalStateException(
          "embedded Kafka broker on " + bootstrap + " (data dir " + dataDir + ") did not start", e);
    }
    bootstrapServers = bootstrap;
    secureBootstrapServers = secure != null ? EmbeddedBrokerConfig.HOST + ":" + securePort : null;
    LOG.info(
        "Kafka broker ready at {} in {} ms (data dir {}{})",
        bootstrap,
        (System.nanoTime() - startNanos) / 1_000_000,
        dataDir,
        clusterId != null ? ", newly formatted, cluster id " + clusterId : "");
    return this;
  }

  /**
   * The {@code bootstrap.servers} value for clients: {@code 127.0.0.1:PORT}.
   *
   * @throws IllegalStateException if the broker is not running
   */
  public synchronized String bootstrapServers() {
    if (server == null) {
      throw new IllegalStateException("broker not running; call start() first");
    }
    return bootstrapServers;
  }

  /**
   * The {@code bootstrap.servers} value of the SASL_SSL listener: {@code 127.0.0.1:PORT}.
   *
   * @throws IllegalStateException if the broker is not running or has no such listener
   */
  public synchronized String secureBootstrapServers() {
    bootstrapServers();
    if (secureBootstrapServers == null) {
      throw new IllegalStateException("broker has no SASL_SSL listener; see optSaslSsl");
    }
    return secureBootstrapServers;
  }

  /**
   * Creates (or replaces) a SCRAM-SHA-512 credential through the Admin API on the plaintext
   * listener (the super user's), and waits until the broker knows it, so a client may log in at
   * once.
   *
   * @throws IllegalStateException if the broker is not running or the broker refuses it
   */
  public void createScramUser(String user, String password) {
    ScramCredentials.upsert(bootstrapServers(), user, password, startTimeout);
  }

  /** The data dir (log and metadata), once started; a temporary one is gone after close. */
  public synchronized Path dataDir() {
    if (dataDir == null) {
      throw new IllegalStateException("broker not started; call start() first");
    }
    return dataDir;
  }

  /**
   * Stops the broker (a controlled shutdown) and deletes the data dir if it was a temporary one.
   * Calling it again does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
      LOG.info("Kafka broker at {} stopped", bootstrapServers);
    }
    if (givenDataDir == null && dataDir != null) {
      DataDirs.deleteRecursively(dataDir);
    }
  }

  private static void stopQuietly(KafkaRaftServer s) {
    try {
      s.shutdown();
      s.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("could not stop the broker after a failed start", e);
    }
  }

  /**
   * Configures an {@link EmbeddedKafkaBroker}. All settings are optional ({@code optX}); {@link
   * #build()} checks them and names a bad value.
   */
  public static final class Builder {
    private int port;
    private Path dataDir;
    private final Map<String, String> extraProperties = new LinkedHashMap<>();
    private Duration startTimeout = Duration.ofSeconds(60);
    private SaslSslListener secure;

    private Builder() {}

    /**
     * Adds a SASL_SSL listener (SCRAM-SHA-512 over TLS) with authorization on: see {@link
     * SaslSslListener}. Default: plaintext only, no authorization.
     */
    public Builder optSaslSsl(SaslSslListener listener) {
      this.secure = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The client (PLAINTEXT) port; 0, the default, picks a free one. */
    public Builder optPort(int port) {
      this.port = port;
      return this;
    }

    /**
     * Where the broker keeps its logs and metadata; created if missing, kept on close. It must be
     * empty or a data dir of an earlier embedded broker. Default: a temporary dir, deleted on
     * close.
     */
    public Builder optDataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /**
     * A broker property on top of the embedded defaults, e.g. {@code log.retention.ms}. Identity,
     * listener and storage keys cannot be overridden.
     */
    public Builder optBrokerProperty(String key, String value) {
      extraProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
      return this;
    }

    /** Several broker properties at once; see {@link #optBrokerProperty}. */
    public Builder optBrokerProperties(Map<String, String> properties) {
      properties.forEach(this::optBrokerProperty);
      return this;
    }

    /**
     * How long {@link EmbeddedKafkaBroker#start()} waits for the broker to answer; default 60 s.
     */
    public Builder optStartTimeout(Duration startTimeout) {
      this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
      return this;
    }

    /**
     * Checks the settings and returns a broker that is not started yet.
     *
     * @throws IllegalArgumentException naming the first bad setting
     */
    public EmbeddedKafkaBroker build() {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535 (0 = any free port): " + port);
      }
      if (startTimeout.isNegative() || startTimeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be positive: " + startTimeout);
      }
      if (dataDir != null) {
        DataDirs.checkUsable(dataDir);
      }
      for (String key : extraProperties.keySet()) {
        if (EmbeddedBrokerConfig.RESERVED.contains(key)) {
          throw new IllegalArgumentException(
              "broker property '"
                  + key
                  + "' is set by the embedded broker and cannot be overridden");
        }
      }
      return new EmbeddedKafkaBroker(this);
    }
  }
}
