package io.calmon.cli;

import io.calmon.clip.ClipModel;
import io.calmon.kafka.KafkaSettings;
import io.calmon.kafka.KafkaUnreachableException;
import io.calmon.kafka.TopicAdmin;
import io.calmon.service.ServiceRunner;
import io.calmon.trainer.service.TrainerService;
import io.calmon.trainer.service.TrainerSettings;
import io.calmon.tuning.TuningProgress;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.common.errors.ProducerFencedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code calmon trainer}: the trainer service until SIGTERM. One flag per setting of {@link
 * TrainerSettings#definitions()}, layered as every service's ({@link ServiceOptions}): defaults,
 * then {@code --config FILE}, then {@code CALMON_*} variables, then flags; a bad value ends with
 * exit code 2 and one line naming the key.
 */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    modelTransformer = TrainerCommand.Options.class,
    sortOptions = false,
    description = {
      "Run the trainer: few-shot reservoir from image-events + labels, retrain requests answered",
      "with a new prompt version when the publish gate allows it. Stop with Ctrl-C or SIGTERM.",
      "Durations: 500ms, 30s, 10m, 1h, 2d or ISO-8601 (PT10M)."
    })
final class TrainerCommand implements Callable<Integer> {

  /** One flag per key of {@link TrainerSettings#definitions()}. */
  static final class Options extends ServiceOptions {
    Options() {
      super(TrainerSettings::definitions);
    }
  }

  /** How long version 1 may take to be tuned and published before the trainer is ready. */
  static final Duration READY_TIMEOUT = Duration.ofMinutes(30);

  /** What the command needs: the service's settings and the model. */
  record Settings(TrainerSettings trainer, Path model, Duration connectTimeout) {}

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Settings settings = settings();
    TrainerSettings trainer = settings.trainer();
    Throwable failure;
    try (ClipModel clip = ClipModels.require(settings.model())) {
      connect(trainer, settings.connectTimeout());
      failure =
          ServiceRunner.run(
              new TrainerService(trainer, clip),
              READY_TIMEOUT,
              service -> {
                int port = service.metricsPort();
                PrintWriter err = spec.commandLine().getErr();
                err.println(
                    "calmon: trainer running; metrics "
                        + (port < 0
                            ? "off"
                            : "http://" + trainer.metricsHost() + ":" + port + "/metrics")
                        + (trainer.kafka().isEmpty()
                            ? ""
                            : "; Kafka client properties " + trainer.kafka())
                        + (trainer.signingKey() == null
                            ? "; prompt versions published unsigned (scorers refuse them unless"
                                + " started with --allow-unsigned-prompts)"
                            : "; prompt versions signed with key " + trainer.signingKey().keyId())
                        + "; Ctrl-C or SIGTERM stops it");
                err.flush();
              });
    } catch (UncheckedIOException e) {
      throw UserError.metricsEndpoint("metrics-port", e);
    }
    String service = "trainer of deployment " + trainer.deployment();
    if (failure instanceof ProducerFencedException) {
      return ServiceExit.code(
          spec,
          service,
          "another trainer of deployment "
              + trainer.deployment()
              + " started and took over its transactions (one trainer per deployment)");
    }
    return ServiceExit.code(spec, service, failure);
  }

  /** Defaults, file, environment, flags: checked once. */
  Settings settings() {
    PrintWriter err = new PrintWriter(System.err, true);
    return ServiceOptions.settings(
        spec,
        TrainerSettings.definitions(),
        config ->
            new Settings(
                TrainerSettings.from(config, TuningProgress.printingTo(err, "calmon: trainer")),
                config.optionalPath("model"),
                KafkaSettings.connectTimeout(config)));
  }

  /** The cluster must answer (and accept the credentials) before the model is loaded. */
  private static void connect(TrainerSettings trainer, Duration timeout) {
    try (TopicAdmin admin =
        TopicAdmin.connect(trainer.bootstrapServers(), trainer.kafka(), timeout)) {
      admin.listTopics();
    } catch (KafkaUnreachableException e) {
      throw KafkaConfigOption.unreachable(e, trainer.kafka());
    }
  }
}
