package io.calmon.cli;

import io.calmon.kafka.KafkaAuthenticationException;
import io.calmon.kafka.KafkaClientConfigException;
import io.calmon.kafka.KafkaUnreachableException;
import io.calmon.kafka.TopicAdmin;
import io.calmon.kafka.TopicMismatchException;
import io.calmon.monitor.MonitorConfig;
import io.calmon.monitor.MonitorService;
import io.calmon.monitor.MonitorSettings;
import io.calmon.service.ConfigException;
import io.calmon.service.Durations;
import io.calmon.service.LayeredConfig;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code calmon monitor}: the Kafka Streams calibration monitor as a long-running service. Settings
 * come from code defaults, then {@code --config FILE} (a properties file whose keys are these flag
 * names without dashes), then flags; a bad value ends start-up with one line naming the key. Runs
 * until SIGTERM or Ctrl-C (or, in tests, until its thread is interrupted); exits 1 if Kafka Streams
 * stops by itself.
 */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description = {
      "Run the calibration monitor (Kafka Streams, exactly-once) until Ctrl-C or SIGTERM.",
      "Creates calmon's topics when missing, then prints one status line when RUNNING.",
      "Durations: 500ms, 30s, 10m, 1h, 2d or ISO-8601 (PT10M)."
    })
final class MonitorCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file of settings.")
  Path configFile;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      description = "Kafka (default: $CALMON_BOOTSTRAP_SERVERS, else 127.0.0.1:9092).")
  String bootstrapServers;

  @Option(
      names = KafkaConfigOption.FLAG,
      paramLabel = "FILE",
      description =
          "Kafka client properties (security.protocol, sasl.*, ssl.* ...) for every Kafka client"
              + " (default: $CALMON_KAFKA_CONFIG, else none).")
  String kafkaConfig;

  @Option(names = "--prefix", description = "Topic name prefix (default: none).")
  String prefix;

  @Option(names = "--application-id", description = "Default: calmon-monitor-<prefix or all>.")
  String applicationId;

  @Option(names = "--state-dir", description = "Default: java.io.tmpdir/<application id>.")
  String stateDir;

  @Option(names = "--replication-factor", description = "Of internal topics (default: 1).")
  String replicationFactor;

  @Option(names = "--partitions", description = "Of topics created when missing (default: 3).")
  String partitions;

  @Option(names = "--commit-interval", description = "Commit (transaction) pace (default: 100ms).")
  String commitInterval;

  @Option(names = "--window-size", description = "Report window (default: 1h).")
  String windowSize;

  @Option(names = "--window-advance", description = "Hop between windows (default: 1h).")
  String windowAdvance;

  @Option(names = "--label-delay", description = "Longest label delay used (default: 10m).")
  String labelDelay;

  @Option(names = "--grace", description = "Extra wait before a window is final (default: 1m).")
  String grace;

  @Option(names = "--bins", description = "Equal-width bins, 1..1000 (default: 15).")
  String bins;

  @Option(names = "--ece-threshold", description = "Alert above this ECE (default: 0.05).")
  String eceThreshold;

  @Option(names = "--min-labelled", description = "Labels a window needs (default: 100).")
  String minLabelled;

  @Option(names = "--consecutive-windows", description = "Breaches to fire (default: 2).")
  String consecutiveWindows;

  @Option(names = "--cooldown", description = "Quiet time after an alert (default: 30m).")
  String cooldown;

  @Option(
      names = "--alert-groups",
      description =
          "Groups the ECE rule watches: true-base, true-new (images of base / new classes),"
              + " base, new (predicted as base / new), all, or none (default: true-base,true-new).")
  String alertGroups;

  @Option(
      names = "--metrics-port",
      description = "Serve Prometheus metrics at /metrics on this port; 0 = off (default: 0).")
  String metricsPort;

  @Option(names = "--metrics-host", description = "Address to bind (default: 127.0.0.1).")
  String metricsHost;

  @Override
  public Integer call() {
    MonitorSettings settings = settings();
    createTopics(settings);
    MonitorService service = new MonitorService(settings);
    CountDownLatch stopRequested = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stopRequested.countDown();
              awaitQuietly(stopped);
            },
            "calmon-monitor-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean interrupted = false;
    boolean died = false;
    try {
      try {
        service.start();
      } catch (IllegalStateException e) {
        throw new UserError(
            "--bootstrap-servers " + settings.bootstrapServers() + ": " + e.getMessage(), e);
      } catch (UncheckedIOException e) {
        throw UserError.metricsEndpoint("metrics-port", e);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(status(settings, service));
      out.flush();
      while (stopRequested.getCount() > 0) {
        if (service.awaitTermination(Duration.ofMillis(500))) {
          died = stopRequested.getCount() > 0;
          break;
        }
      }
    } catch (InterruptedException e) {
      interrupted = true; // an embedding program (or a test) stops the command this way
    } finally {
      service.stop();
      stopped.countDown();
      removeHook(hook);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (died) {
      System.err.println("calmon: the monitor stopped by itself (state " + service.state() + ")");
      return 1;
    }
    return 0;
  }

  /** Flags over file over defaults, checked once. */
  MonitorSettings settings() {
    try {
      LayeredConfig config =
          MonitorSettings.definitions()
              .file(configFile)
              .flag("bootstrap-servers", bootstrapServers)
              .flag("kafka-config", kafkaConfig)
              .flag("prefix", prefix)
              .flag("application-id", applicationId)
              .flag("state-dir", stateDir)
              .flag("replication-factor", replicationFactor)
              .flag("partitions", partitions)
              .flag("commit-interval", commitInterval)
              .flag("window-size", windowSize)
              .flag("window-advance", windowAdvance)
              .flag("label-delay", labelDelay)
              .flag("grace", grace)
              .flag("bins", bins)
              .flag("ece-threshold", eceThreshold)
              .flag("min-labelled", minLabelled)
              .flag("consecutive-windows", consecutiveWindows)
              .flag("cooldown", cooldown)
              .flag("alert-groups", alertGroups)
              .flag("metrics-port", metricsPort)
              .flag("metrics-host", metricsHost)
              .build();
      return MonitorSettings.from(config);
    } catch (ConfigException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  private static void createTopics(MonitorSettings settings) {
    try (TopicAdmin admin =
        TopicAdmin.connect(
            settings.bootstrapServers(), settings.kafka(), TopicAdmin.DEFAULT_TIMEOUT)) {
      admin.createAll(settings.topics(), settings.partitions(), settings.replicationFactor());
    } catch (KafkaAuthenticationException | KafkaClientConfigException e) {
      String what =
          e instanceof KafkaAuthenticationException
              ? "Kafka at " + e.bootstrapServers() + " refused the credentials: "
              : "";
      throw new UserError(
          "kafka-config: "
              + what
              + e.reason()
              + " (from "
              + settings.kafka().file().map(Object::toString).orElse("no file")
              + ")",
          e);
    } catch (KafkaUnreachableException e) {
      throw new UserError(
          "--bootstrap-servers "
              + settings.bootstrapServers()
              + ": no Kafka broker answered within "
              + TopicAdmin.DEFAULT_TIMEOUT.toSeconds()
              + " s",
          e);
    } catch (TopicMismatchException e) {
      throw new UserError(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new UserError("--replication-factor: " + e.getMessage(), e);
    }
  }

  private static String status(MonitorSettings settings, MonitorService service) {
    MonitorConfig m = settings.monitor();
    int port = service.metricsPort();
    return String.format(
        "monitor running: application %s, topics %s, bootstrap %s, windows %s every %s, labels"
            + " within %s + %s grace, %d bins, metrics %s%s",
        settings.applicationId(),
        settings.topics().prefix().isEmpty() ? "standard" : settings.topics().prefix() + "*",
        settings.bootstrapServers(),
        Durations.format(m.windowSize()),
        Durations.format(m.windowAdvance()),
        Durations.format(m.labelDelay()),
        Durations.format(m.grace()),
        m.bins(),
        port < 0 ? "off" : "http://" + settings.metricsHost() + ":" + port + "/metrics",
        settings.kafka().isEmpty() ? "" : ", Kafka client properties " + settings.kafka());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(MonitorService.CLOSE_TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook is running and will see `stopped`.
    }
  }
}
