package io.calmon.cli;

import io.calmon.kafka.KafkaUnreachableException;
import io.calmon.kafka.TopicAdmin;
import io.calmon.kafka.TopicMismatchException;
import io.calmon.monitor.MonitorConfig;
import io.calmon.monitor.MonitorService;
import io.calmon.monitor.MonitorSettings;
import io.calmon.service.Durations;
import io.calmon.service.ServiceRunner;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code calmon monitor}: the Kafka Streams calibration monitor as a long-running service. One flag
 * per setting of {@link MonitorSettings#definitions()}; settings come from code defaults, then
 * {@code --config FILE}, then {@code CALMON_*} variables, then flags ({@link ServiceOptions}); a
 * bad value ends start-up with one line naming the key. Runs until SIGTERM or Ctrl-C (or, in tests,
 * until its thread is interrupted); exits 1 if Kafka Streams stops by itself.
 */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    modelTransformer = MonitorCommand.Options.class,
    sortOptions = false,
    description = {
      "Run the calibration monitor (Kafka Streams, exactly-once) until Ctrl-C or SIGTERM.",
      "Creates calmon's topics when missing, then prints one status line when RUNNING.",
      "Durations: 500ms, 30s, 10m, 1h, 2d or ISO-8601 (PT10M)."
    })
final class MonitorCommand implements Callable<Integer> {

  /** One flag per key of {@link MonitorSettings#definitions()}. */
  static final class Options extends ServiceOptions {
    Options() {
      super(MonitorSettings::definitions);
    }
  }

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    MonitorSettings settings = settings();
    createTopics(settings);
    Throwable failure;
    try {
      failure =
          ServiceRunner.run(
              new MonitorService(settings),
              settings.startTimeout(),
              service -> {
                PrintWriter out = spec.commandLine().getOut();
                out.println(status(settings, (MonitorService) service));
                out.flush();
              });
    } catch (IllegalStateException e) {
      throw new UserError(
          "--bootstrap-servers " + settings.bootstrapServers() + ": " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw UserError.metricsEndpoint("metrics-port", e);
    }
    return ServiceExit.code(spec, "monitor " + settings.applicationId(), failure);
  }

  /** Defaults, file, environment, flags: checked once. */
  MonitorSettings settings() {
    return ServiceOptions.settings(spec, MonitorSettings.definitions(), MonitorSettings::from);
  }

  private static void createTopics(MonitorSettings settings) {
    try (TopicAdmin admin =
        TopicAdmin.connect(
            settings.bootstrapServers(), settings.kafka(), settings.connectTimeout())) {
      admin.createAll(settings.topics(), settings.partitions(), settings.topicReplicationFactor());
    } catch (KafkaUnreachableException e) {
      throw KafkaConfigOption.unreachable(e, settings.kafka());
    } catch (TopicMismatchException e) {
      throw new UserError(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new UserError("topic-replication-factor: " + e.getMessage(), e);
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
}
