package io.calmon.monitor;

import io.calmon.kafka.TopicAdmin;
import io.calmon.monitor.topology.InputPartitions;
import io.calmon.monitor.topology.MonitorCounters;
import io.calmon.monitor.topology.MonitorTopology;
import io.calmon.schemas.serde.AvroLimits;
import io.calmon.service.CalmonService;
import io.calmon.service.MetricsRegistry;
import io.calmon.service.MetricsServer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor as a running service: {@link MonitorTopology} on a {@link KafkaStreams} client with
 * {@code exactly_once_v2}, plus its metrics endpoint.
 *
 * <pre>{@code
 * MonitorService service = new MonitorService(settings);
 * service.start();           // returns once RUNNING, or throws after the start timeout
 * ...
 * service.stop();            // graceful: commits, closes stores, leaves the group
 * }</pre>
 *
 * <p>Bad input records never reach the uncaught exception handler: the topology sends them to
 * dead-letters. Anything that does reach it is a bug or a broken cluster; the handler logs it and
 * shuts this client down cleanly (state committed so far is kept), and {@link #awaitTermination}
 * returns so that the process can exit non-zero and be restarted by its supervisor.
 */
public final class MonitorService implements CalmonService {

  private static final Logger LOG = LoggerFactory.getLogger(MonitorService.class);

  /** How long {@link #stop()} gives Kafka Streams to commit and close. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final MonitorSettings settings;
  private final Map<String, Object> overrides;
  private final MonitorCounters counters = new MonitorCounters();
  private final MonitorMetrics metrics;
  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile KafkaStreams streams;
  private volatile boolean stopping;
  private volatile Throwable failure;
  private KafkaStreamsMetrics streamsMetrics;
  private MetricsServer metricsServer;

  /** A service for these settings; nothing runs until {@link #start()}. */
  public MonitorService(MonitorSettings settings) {
    this(settings, Map.of());
  }

  /**
   * A service with extra Kafka Streams properties on top of the service's own (e.g. {@code
   * commit.interval.ms} in tests); the processing guarantee cannot be overridden.
   */
  public MonitorService(MonitorSettings settings, Map<String, Object> streamsOverrides) {
    this.settings = settings;
    this.overrides = Map.copyOf(streamsOverrides);
    AvroLimits.defaults().apply(); // before any record is decoded: no body can claim a huge length
    if (overrides.containsKey(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)) {
      throw new IllegalArgumentException("the monitor always runs exactly_once_v2");
    }
    this.metrics =
        new MonitorMetrics(counters, () -> state() == KafkaStreams.State.RUNNING ? 1 : 0);
  }

  /**
   * The Kafka Streams properties the service runs with against the cluster {@code clusterId}: its
   * local state lives in {@code <state dir>/<cluster id>}, so a monitor pointed at another cluster
   * (a fresh broker at the same address, a new environment) never takes the old cluster's stores,
   * whose checkpoints may name offsets that exist there too.
   */
  public Properties streamsProperties(String clusterId) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(clusterId).toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) settings.replicationFactor());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
    // A new application reads the topics from the start: a monitor started after the scorers
    // still sees every prediction that is retained.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // Never wait for an empty input partition to fill before processing the others: what the
    // reports hold is decided by event-time watermarks, not by the order topics are read in, and
    // waiting stalled a thread behind the labels repartition (a backlog on 6 partitions read by
    // one thread did not finish in 4 minutes; with this setting, 17 s).
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    settings.kafka().applyTo(props);
    props.putAll(overrides);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    return props;
  }

  /**
   * The topology this service runs (with the metrics listener attached).
   *
   * @param partitions partitions of the predictions and labels topics
   */
  public Topology topology(InputPartitions partitions) {
    return MonitorTopology.build(
        settings.monitor(),
        settings.topics(),
        partitions,
        counters,
        metrics,
        settings.kafka().valueFormat());
  }

  /** Where the local state for cluster {@code clusterId} lives. */
  public Path stateDir(String clusterId) {
    return settings.stateDir().resolve(clusterId);
  }

  /**
   * What the monitor needs to know of the cluster before it starts: its id, and the partitions of
   * the predictions and labels topics.
   */
  private record Cluster(String id, InputPartitions inputPartitions) {
    static Cluster describe(MonitorSettings settings) {
      try (TopicAdmin admin =
          TopicAdmin.connect(
              settings.bootstrapServers(), settings.kafka(), settings.startTimeout())) {
        return new Cluster(
            admin.clusterId(),
            new InputPartitions(
                admin.partitions(settings.topics().predictions().name()),
                admin.partitions(settings.topics().labels().name())));
      }
    }
  }

  /**
   * Starts the metrics endpoint (when a port is set) and Kafka Streams, and waits until Streams is
   * RUNNING.
   *
   * @throws IllegalStateException if it is already started, or is not RUNNING within the start
   *     timeout (the client is closed again)
   */
  public synchronized MonitorService start() {
    if (streams != null) {
      throw new IllegalStateException("monitor already started");
    }
    if (settings.metricsPort() > 0) {
      metricsServer =
          MetricsServer.start(
              settings.metricsHost(), settings.metricsPort(), metrics.registry(), this::problem);
    }
    Cluster cluster = Cluster.describe(settings);
    KafkaStreams client =
        new KafkaStreams(topology(cluster.inputPartitions()), streamsProperties(cluster.id()));
    client.setStateListener(
        (now, before) -> {
          LOG.info("monitor {}: {} -> {}", settings.applicationId(), before, now);
          if (now == KafkaStreams.State.RUNNING) {
            running.countDown();
          } else if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
            terminated.countDown();
            running.countDown();
          }
        });
    client.setUncaughtExceptionHandler(
        e -> {
          failure = e;
          LOG.error(
              "monitor {} stops: unexpected error on a stream thread", settings.applicationId(), e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams = client;
    client.start();
    streamsMetrics = new KafkaStreamsMetrics(client);
    streamsMetrics.bindTo(metrics.registry().meters());
    boolean up;
    try {
      up = running.await(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new IllegalStateException("interrupted while waiting for the monitor to run", e);
    }
    if (!up || client.state() != KafkaStreams.State.RUNNING) {
      KafkaStreams.State state = client.state();
      stop();
      throw new IllegalStateException(
          "monitor "
              + settings.applicationId()
              + " did not reach RUNNING within "
              + settings.startTimeout().toMillis()
              + " ms (state "
              + state
              + ") at "
              + settings.bootstrapServers());
    }
    return this;
  }

  /** The Kafka Streams state; CREATED before {@link #start()}. */
  /**
   * Why the monitor is not healthy, for {@code /health}: empty while its Kafka Streams client is
   * starting, rebalancing or running.
   */
  private java.util.Optional<String> problem() {
    KafkaStreams client = streams;
    if (client == null) {
      return java.util.Optional.empty(); // starting
    }
    KafkaStreams.State now = client.state();
    return now.isRunningOrRebalancing() || now == KafkaStreams.State.CREATED
        ? java.util.Optional.empty()
        : java.util.Optional.of("monitor " + now.name().toLowerCase(java.util.Locale.ROOT));
  }

  public KafkaStreams.State state() {
    KafkaStreams client = streams;
    return client == null ? KafkaStreams.State.CREATED : client.state();
  }

  /**
   * Waits until the client stops by itself (a fatal error) or through {@link #stop()}.
   *
   * @return true if it stopped within {@code patience}
   */
  public boolean awaitTermination(Duration patience) throws InterruptedException {
    return terminated.await(patience.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Closes Kafka Streams gracefully (commit, flush stores, leave the group), removes its meters and
   * closes the metrics endpoint. Leaving is explicit: by default a Streams client closes without a
   * LeaveGroup, and a monitor restarted at once under the same application id then waits for the
   * old member's session to time out (45 s) before it gets its tasks back.
   */
  public synchronized void stop() {
    stopping = true;
    KafkaStreams client = streams;
    if (client != null
        && !client.close(
            CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP))) {
      LOG.warn("monitor {} did not close within {}", settings.applicationId(), CLOSE_TIMEOUT);
    }
    terminated.countDown();
    if (streamsMetrics != null) {
      streamsMetrics.close();
      streamsMetrics = null;
    }
    if (metricsServer != null) {
      metricsServer.close();
      metricsServer = null;
    }
    metrics.registry().close();
  }

  @Override
  public void close() {
    stop();
  }

  /** Ready once {@link #start()} returned: it waits for the RUNNING state itself. */
  @Override
  public boolean awaitReady(Duration timeout) {
    return isRunning();
  }

  /** Whether Kafka Streams is running or rebalancing. */
  @Override
  public boolean isRunning() {
    return state().isRunningOrRebalancing();
  }

  /**
   * Why Kafka Streams stopped without {@link #stop()}: the stream thread's error, or the state it
   * ended in; null while it runs or after a requested stop.
   */
  @Override
  public Throwable failure() {
    KafkaStreams client = streams;
    if (client == null || stopping || client.state().isRunningOrRebalancing()) {
      return null;
    }
    Throwable error = failure;
    return error != null
        ? error
        : new IllegalStateException("Kafka Streams stopped by itself (state " + state() + ")");
  }

  /** The settings it runs with. */
  public MonitorSettings settings() {
    return settings;
  }

  /** What the topology counted (events in, dead letters, late and duplicate labels ...). */
  public MonitorCounters counters() {
    return counters;
  }

  /** The service's metrics, as served at {@code /metrics}. */
  public MetricsRegistry metrics() {
    return metrics.registry();
  }

  /** The ECE of the latest final report of (deployment, prompt version, group), NaN before one. */
  public double latestFinalEce(String deployment, long promptVersion, ReportGroup group) {
    return metrics.latestFinalEce(deployment, promptVersion, group);
  }

  /** The metrics endpoint's port, or -1 when it is off. */
  public synchronized int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }
}
