package io.calmon.cli.demo;

import io.calmon.cli.ClipModels;
import io.calmon.cli.DurationFlag;
import io.calmon.cli.KafkaConfigOption;
import io.calmon.cli.UserError;
import io.calmon.cli.world.TaskBandOption;
import io.calmon.clip.ClipModel;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.monitor.alerting.ConfidenceLiftRule;
import io.calmon.monitor.alerting.EceAlertRule;
import io.calmon.monitor.alerting.TextDivergenceRule;
import io.calmon.pretrain.TaskBand;
import io.calmon.tuning.TuningMethod;
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
          + " steady state, a change (the class set moves to new classes, or the images drift),"
          + " calibration alert, retraining, hot-swapped prompt, recovery.",
      "Prints a status line while it runs; writes a JSON summary and an HTML report at the end."
    })
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--duration",
      description =
          "How long traffic runs (e.g. 90s, 8m; default 480s, 240s for noise and new-classes)."
              + " The change starts at a quarter of it (two fifths for noise and new-classes); a"
              + " retraining takes about three minutes on two cores (200 epochs of CoOp + DOR; one"
              + " for the drift scenarios' 20), so much less than the default leaves no time to"
              + " see the retrained version.")
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

  @Option(
      names = "--rate",
      description =
          "Image events per second (default 24, so that a 10 s window holds enough labels to"
              + " tell a new-class ECE of 10-20%% from its noise floor; 12 for noise and"
              + " new-classes).")
  Double rate;

  @Option(
      names = "--window-size",
      defaultValue = "10s",
      description = "Monitor window length (tumbling; default ${DEFAULT-VALUE}).")
  String window;

  @Option(
      names = {"--scenario", "--drift"},
      defaultValue = "open-vocabulary",
      description =
          "What happens mid-run: open-vocabulary (the paper's base-to-new protocol: version 1 is"
              + " CoOp tuned on the base classes, which are served first; then the class set"
              + " moves to the new classes, CoOp's overconfidence on them raises an alert, and the"
              + " retraining by CoOp + DOR on the same base shots repairs it), noise (images get"
              + " noisier and blurrier: the model stays confident while its accuracy falls) or"
              + " new-classes (traffic shifts to classes never tuned on, all 40 served"
              + " throughout). Default ${DEFAULT-VALUE}.")
  String scenario;

  @Option(
      names = "--initial-method",
      description =
          "Version 1's tuning method: coop, coop+dor, kgcoop or kgcoop+dor (default: coop, as the"
              + " paper's CoOp; coop+dor for noise and new-classes); retrainings use coop+dor.")
  String initialMethod;

  @Option(
      names = "--initial-epochs",
      description =
          "Version 1's tuning epochs (default 200, the reproduction's schedule, as every"
              + " retraining; 20 for noise and new-classes); CoOp becomes overconfident on new"
              + " classes only after many.")
  Integer initialEpochs;

  @Option(
      names = "--ece-threshold",
      defaultValue = "0.05",
      description =
          "Alert when a window's ECE (and its confidence interval's lower bound) exceeds this,"
              + " in (0, 1) (default ${DEFAULT-VALUE}).")
  double alertEce;

  @Option(
      names = "--consecutive-windows",
      defaultValue = "2",
      description =
          "Consecutive windows above --ece-threshold before an alert (default ${DEFAULT-VALUE}).")
  int alertWindows;

  @Option(
      names = "--ece-reference",
      description =
          "What --ece-threshold is measured from: none (the ECE itself) or zero-shot (the ECE"
              + " minus the zero-shot template's ECE beyond sampling noise on the same labelled"
              + " events). Default: zero-shot for the open-vocabulary scenario, none for the drift"
              + " scenarios.")
  String eceReference;

  @Option(
      names = "--text-divergence-ratio",
      defaultValue = "1.1",
      description =
          "Warn, before any label, when a served prompt's new-class text divergence reaches this"
              + " many times zero-shot's, or off (default ${DEFAULT-VALUE}).")
  String textDivergenceRatio;

  @Option(
      names = "--confidence-lift-threshold",
      defaultValue = "0.05",
      description =
          "Warn, before any label, when a tuned version's predictions of new classes are this much"
              + " more confident than the zero-shot template is of the same classes, or off"
              + " (default ${DEFAULT-VALUE}).")
  String confidenceLiftThreshold;

  @Mixin TaskBandOption band;

  @Option(
      names = "--seed",
      description =
          "Seed of the world task and the traffic (default 1, the reproduction's task; 7 for"
              + " noise and new-classes).")
  Long seed;

  @Option(
      names = "--tuning-seed",
      description =
          "Seed of the prompt tunings: which shots, the context's start, the batches (default:"
              + " the --seed).")
  Long tuningSeed;

  @Option(
      names = "--summary-json",
      description =
          "Write the run's summary (counts; per prompt version and true-class group its figures"
              + " beside zero-shot's; alerts; times; ECE per phase) to this file.")
  Path summaryJson;

  @Option(
      names = "--report-html",
      defaultValue = "calmon-demo-report.html",
      description = "Write the HTML report (ECE timeline, reliability diagrams) here.")
  Path reportHtml;

  @Override
  public Integer call() throws Exception {
    DemoSettings settings = settings();
    Path modelDir = ClipModels.directory(model);
    try (ClipModel clip = ClipModels.load(modelDir);
        DemoRun run = new DemoRun(settings, clip, modelDir, spec.commandLine().getErr())) {
      return run.run().lost() == 0 ? 0 : 1;
    }
  }

  DemoSettings settings() {
    DemoSettings.Scenario kind = DemoSettings.Scenario.of(scenario);
    if (kind == null) {
      throw new UserError(
          "--scenario must be noise, new-classes or open-vocabulary, got '" + scenario + "'");
    }
    boolean open = kind == DemoSettings.Scenario.OPEN_VOCABULARY;
    Duration runFor =
        DurationFlag.parse("--duration", duration != null ? duration : open ? "480s" : "240s");
    Duration windowLength = DurationFlag.parse("--window-size", window);
    if (runFor.compareTo(windowLength.multipliedBy(6)) < 0) {
      throw new UserError(
          "--duration must be at least 6 windows ("
              + windowLength.multipliedBy(6)
              + "), got "
              + runFor);
    }
    double eventsPerSecond = rate != null ? rate : open ? 24 : 12;
    if (!(eventsPerSecond > 0 && eventsPerSecond <= 500)) {
      throw new UserError("--rate must be in (0, 500] events per second, got " + eventsPerSecond);
    }
    if (!(alertEce > 0 && alertEce < 1)) {
      throw new UserError("--ece-threshold must be in (0, 1), got " + alertEce);
    }
    if (alertWindows < 1 || alertWindows > 100) {
      throw new UserError("--consecutive-windows must be in 1..100, got " + alertWindows);
    }
    DemoSettings.Loop defaults =
        open ? DemoSettings.Loop.openVocabulary() : DemoSettings.Loop.defaults();
    TuningMethod first = defaults.initialMethod();
    if (initialMethod != null) {
      try {
        first = TuningMethod.parse(initialMethod);
      } catch (IllegalArgumentException e) {
        throw new UserError("--initial-method: " + e.getMessage(), e);
      }
    }
    if (!first.tunes()) {
      throw new UserError(
          "--initial-method must tune a context (coop, coop+dor, kgcoop, kgcoop+dor), got '"
              + initialMethod
              + "'");
    }
    int firstEpochs = initialEpochs != null ? initialEpochs : defaults.initialEpochs();
    if (firstEpochs < 1 || firstEpochs > 1000) {
      throw new UserError("--initial-epochs must be in 1..1000, got " + firstEpochs);
    }
    DemoSettings.Loop loop =
        defaults
            .withAlertRule(alertEce, alertWindows, eceReference(defaults))
            .withBootstrap(first, firstEpochs)
            .withWarnings(textRule(), liftThreshold());
    long taskSeed = seed != null ? seed : open ? 1 : 7;
    // The embedded broker is plaintext: client properties are for an existing cluster only.
    KafkaClientConfig clients = bootstrapServers == null ? KafkaClientConfig.none() : kafka.get();
    return new DemoSettings(
        runFor,
        windowLength,
        eventsPerSecond,
        kind,
        taskSeed,
        tuningSeed != null ? tuningSeed : taskSeed,
        band.band(open ? TaskBand.DEFAULT : null),
        bootstrapServers,
        clients,
        summaryJson,
        reportHtml,
        loop);
  }

  private EceAlertRule.Reference eceReference(DemoSettings.Loop defaults) {
    if (eceReference == null) {
      return defaults.eceReference();
    }
    try {
      return EceAlertRule.Reference.parse(eceReference);
    } catch (IllegalArgumentException e) {
      throw new UserError("--ece-reference " + e.getMessage() + ", got '" + eceReference + "'", e);
    }
  }

  private double liftThreshold() {
    try {
      return ConfidenceLiftRule.parse(confidenceLiftThreshold, 1).threshold();
    } catch (IllegalArgumentException e) {
      throw new UserError(
          "--confidence-lift-threshold "
              + e.getMessage()
              + ", got '"
              + confidenceLiftThreshold
              + "'",
          e);
    }
  }

  private TextDivergenceRule textRule() {
    try {
      return TextDivergenceRule.parse(textDivergenceRatio);
    } catch (IllegalArgumentException e) {
      throw new UserError(
          "--text-divergence-ratio " + e.getMessage() + ", got '" + textDivergenceRatio + "'", e);
    }
  }
}
