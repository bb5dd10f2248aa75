package io.calmon.cli;

import io.calmon.clip.ClipModel;
import io.calmon.kafka.CalmonTopic;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaSettings;
import io.calmon.kafka.KafkaUnreachableException;
import io.calmon.kafka.TopicAdmin;
import io.calmon.scorer.ScorerConfig;
import io.calmon.scorer.ScorerService;
import io.calmon.service.ServiceRunner;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code calmon scorer}: one scorer instance (see {@link ScorerService}). One flag per setting of
 * {@link ScorerConfig#definitions()}, layered as every service's ({@link ServiceOptions}). Runs
 * until SIGTERM or Ctrl-C (or, in tests, until its thread is interrupted), then stops gracefully:
 * the batch in flight commits, the clients leave the group, the model is closed.
 */
@Command(
    name = "scorer",
    mixinStandardHelpOptions = true,
    modelTransformer = ScorerCommand.Options.class,
    sortOptions = false,
    description = {
      "Score image-events with CLIP and the live prompt version; produce predictions exactly once.",
      "Run one per partition of image-events at most, each with its own --instance-id.",
      "Durations: 500ms, 30s, 10m, 1h, 2d or ISO-8601 (PT10M)."
    })
final class ScorerCommand implements Callable<Integer> {

  /** One flag per key of {@link ScorerConfig#definitions()}. */
  static final class Options extends ServiceOptions {
    Options() {
      super(ScorerConfig::definitions);
    }
  }

  /** What the command needs: the service's settings, the model and how long to wait for Kafka. */
  record Settings(ScorerConfig config, Path model, Duration connectTimeout) {}

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Settings settings = settings();
    ScorerConfig config = settings.config();
    Throwable failure;
    String counts;
    try (ClipModel clip = ClipModels.require(settings.model())) {
      requireTopics(config, settings.connectTimeout());
      ScorerService service = new ScorerService(config, clip);
      failure =
          ServiceRunner.run(
              service,
              Duration.ofSeconds(1),
              s -> {
                int port = s.metricsPort();
                System.err.println(
                    "calmon: scorer "
                        + config.instanceId()
                        + " running; metrics "
                        + (port < 0
                            ? "off"
                            : "http://" + config.metricsHost() + ":" + port + "/metrics")
                        + (config.kafka().isEmpty()
                            ? ""
                            : "; Kafka client properties " + config.kafka())
                        + "; Ctrl-C or SIGTERM stops it");
              });
      counts = String.valueOf(service.metrics().snapshot());
    } catch (UncheckedIOException e) {
      throw UserError.metricsEndpoint("metrics-port", e);
    }
    System.err.println("calmon: scorer stopped; " + counts);
    return ServiceExit.code(spec, "scorer " + config.instanceId(), failure);
  }

  /** Defaults, file, environment, flags: checked once. */
  Settings settings() {
    return ServiceOptions.settings(
        spec,
        ScorerConfig.definitions(),
        config ->
            new Settings(
                ScorerConfig.from(config),
                config.optionalPath("model"),
                KafkaSettings.connectTimeout(config)));
  }

  /** The topics the scorer reads and writes must exist: it never creates them. */
  private static void requireTopics(ScorerConfig config, Duration timeout) {
    CalmonTopics topics = config.topics();
    Set<String> existing;
    try (TopicAdmin admin =
        TopicAdmin.connect(config.bootstrapServers(), config.kafka(), timeout)) {
      existing = admin.listTopics();
    } catch (KafkaUnreachableException e) {
      throw KafkaConfigOption.unreachable(e, config.kafka());
    }
    for (CalmonTopic topic :
        List.of(
            topics.imageEvents(),
            topics.predictions(),
            topics.promptVersions(),
            topics.classSets(),
            topics.deadLetters())) {
      if (!existing.contains(topic.name())) {
        throw new UserError(
            "--bootstrap-servers "
                + config.bootstrapServers()
                + ": topic "
                + topic.name()
                + " does not exist (run 'calmon topics create')");
      }
    }
  }
}
