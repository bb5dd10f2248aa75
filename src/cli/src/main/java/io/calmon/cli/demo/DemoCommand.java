package io.calmon.cli.demo;

import io.calmon.cli.KafkaConfigOption;
import io.calmon.cli.UserError;
import io.calmon.clip.ClipException;
import io.calmon.clip.ClipModel;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.trainer.tuning.TuningMethod;
import io.calmon.world.DefaultModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code calmon demo}: the whole loop on one machine, no Docker, no network. Flags are validated
 * here into a {@link DemoSettings}; {@link DemoRun} does the work.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole loop with no infrastructure: an embedded Kafka broker, the trainer, two"
          + " scorers, the monitor and world traffic with delayed labels, through a scenario:"
          + " steady state, drift, calibration alert, retraining, hot-swapped prompt, recovery.",
      "Prints a status line while it runs; writes a JSON summary and an HTML report at the end."
    })
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--duration",
      defaultValue = "240s",
      description =
          "How long traffic runs (e.g. 90s, 5m; default ${DEFAULT-VALUE}). The drift starts at"
              + " two fifths of it; a retraining takes about a minute on two cores, so much less"
              + " than the default leaves no time to see the retrained version.")
  String duration;

  @Option(
      names = {"--model", "--real-model"},
      description =
          "CLIP model directory (Hugging Face layout); default: the shipped world model."
              + " A real CLIP works too; the traffic is still the procedural world.")
  Path model;

  @Option(
      names = "--bootstrap-servers",
      description = "Use this Kafka cluster instead of starting the embedded broker.")
  String bootstrapServers;

  @Mixin KafkaConfigOption kafka = new KafkaConfigOption();

  @Option(names = "--rate", defaultValue = "12", description = "Image events per second.")
  double rate;

  @Option(
      names = "--window",
      defaultValue = "10s",
      description = "Monitor window length (tumbling; default ${DEFAULT-VALUE}).")
  String window;

  @Option(
      names = "--drift",
      defaultValue = "noise",
      description =
          "What changes mid-run: noise (images get noisier and blurrier: the model stays"
              + " confident while its accuracy falls) or new-classes (traffic shifts to classes"
              + " never tuned on). Default ${DEFAULT-VALUE}.")
  String drift;

  @Option(
      names = "--bootstrap-method",
      defaultValue = "coop+dor",
      description =
          "Version 1's tuning method: coop+dor (default), coop, kgcoop or kgcoop+dor;"
              + " retrainings use coop+dor.")
  String bootstrapMethod;

  @Option(
      names = "--bootstrap-epochs",
      defaultValue = "20",
      description =
          "Version 1's tuning epochs (default ${DEFAULT-VALUE}, as every retraining); CoOp"
              + " becomes overconfident on new classes only after many more (the reproduction"
              + " uses 200).")
  int bootstrapEpochs;

  @Option(
      names = "--alert-ece",
      defaultValue = "0.05",
      description =
          "Alert when a window's ECE (and its confidence interval's lower bound) exceeds this,"
              + " in (0, 1) (default ${DEFAULT-VALUE}).")
  double alertEce;

  @Option(
      names = "--alert-windows",
      defaultValue = "2",
      description =
          "Consecutive windows above --alert-ece before an alert (default ${DEFAULT-VALUE}).")
  int alertWindows;

  @Option(names = "--seed", defaultValue = "7", description = "Seed of the task and traffic.")
  long seed;

  @Option(
      names = "--summary-json",
      description = "Write the run's summary (counts, ECE per phase) to this file.")
  Path summaryJson;

  @Option(
      names = "--report-html",
      defaultValue = "calmon-demo-report.html",
      description = "Write the HTML report (ECE timeline, reliability diagrams) here.")
  Path reportHtml;

  @Override
  public Integer call() throws Exception {
    DemoSettings settings = settings();
    Path modelDir = model != null ? model : defaultModel();
    if (!Files.isDirectory(modelDir)) {
      throw new UserError("--model: no model directory at " + modelDir);
    }
    ClipModel clip;
    try {
      clip = ClipModel.load(modelDir);
    } catch (ClipException e) {
      throw new UserError("--model: " + e.getMessage(), e);
    }
    try (clip;
        DemoRun run = new DemoRun(settings, clip, modelDir, spec.commandLine().getErr())) {
      return run.run().lost() == 0 ? 0 : 1;
    }
  }

  private DemoSettings settings() {
    Duration runFor = parse("--duration", duration);
    Duration windowLength = parse("--window", window);
    if (runFor.compareTo(windowLength.multipliedBy(6)) < 0) {
      throw new UserError(
          "--duration must be at least 6 windows ("
              + windowLength.multipliedBy(6)
              + "), got "
              + duration);
    }
    if (!(rate > 0 && rate <= 500)) {
      throw new UserError("--rate must be in (0, 500] events per second, got " + rate);
    }
    DemoSettings.Drift kind =
        switch (drift) {
          case "new-classes" -> DemoSettings.Drift.NEW_CLASSES;
          case "noise" -> DemoSettings.Drift.NOISE;
          default ->
              throw new UserError("--drift must be new-classes or noise, got '" + drift + "'");
        };
    if (!(alertEce > 0 && alertEce < 1)) {
      throw new UserError("--alert-ece must be in (0, 1), got " + alertEce);
    }
    if (alertWindows < 1 || alertWindows > 100) {
      throw new UserError("--alert-windows must be in 1..100, got " + alertWindows);
    }
    TuningMethod first;
    try {
      first = TuningMethod.parse(bootstrapMethod);
    } catch (IllegalArgumentException e) {
      throw new UserError("--bootstrap-method: " + e.getMessage(), e);
    }
    if (!first.tunes()) {
      throw new UserError(
          "--bootstrap-method must tune a context (coop, coop+dor, kgcoop, kgcoop+dor), got '"
              + bootstrapMethod
              + "'");
    }
    if (bootstrapEpochs < 1 || bootstrapEpochs > 1000) {
      throw new UserError("--bootstrap-epochs must be in 1..1000, got " + bootstrapEpochs);
    }
    DemoSettings.Loop loop =
        DemoSettings.Loop.defaults()
            .withAlertRule(alertEce, alertWindows)
            .withBootstrap(first, bootstrapEpochs);
    // The embedded broker is plaintext: client properties are for an existing cluster only.
    KafkaClientConfig clients = bootstrapServers == null ? KafkaClientConfig.none() : kafka.get();
    return new DemoSettings(
        runFor,
        windowLength,
        rate,
        kind,
        seed,
        bootstrapServers,
        clients,
        summaryJson,
        reportHtml,
        loop);
  }

  private static Path defaultModel() {
    try {
      return DefaultModel.path();
    } catch (RuntimeException e) {
      throw new UserError("no --model given and " + e.getMessage(), e);
    }
  }

  private static Duration parse(String flag, String value) {
    try {
      return io.calmon.kafka.service.Durations.parse(value);
    } catch (RuntimeException e) {
      throw new UserError(flag + ": " + e.getMessage(), e);
    }
  }
}
