package io.calmon.cli;

import io.calmon.clip.ClipModel;
import io.calmon.clip.image.ImageLimits;
import io.calmon.clip.image.ImagePreprocessor;
import io.calmon.schemas.signing.SigningKey;
import io.calmon.trainer.service.TrainerService;
import io.calmon.trainer.service.TrainerSettings;
import io.calmon.tuning.OptimizerKind;
import io.calmon.tuning.TuningConfig;
import io.calmon.tuning.TuningMethod;
import io.calmon.tuning.TuningProgress;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.apache.kafka.common.errors.ProducerFencedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code calmon trainer}: the trainer service until SIGTERM. Every setting comes from a flag, else
 * from {@code --config FILE} (a properties file keyed by the flag names without dashes), else the
 * default; a bad value ends with exit code 2 and one line naming the flag.
 */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description = {
      "Run the trainer: few-shot reservoir from image-events + labels, retrain requests answered",
      "with a new prompt version when the publish gate allows it. Stop with Ctrl-C or SIGTERM."
    })
final class TrainerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin BootstrapOptions bootstrap;

  @Option(names = "--model", paramLabel = "DIR", description = "CLIP model directory (required).")
  Path model;

  @Option(names = "--deployment", description = "Deployment to train for (default: default).")
  String deployment;

  @Option(names = "--method", description = "Tuning method (default: coop+dor).")
  String method;

  @Option(
      names = "--bootstrap-method",
      description =
          "Method of version 1 only, when it differs from --method (e.g. coop, to serve"
              + " CoOp first and let retrainings by --method follow it).")
  String bootstrapMethod;

  @Option(
      names = "--posthoc-temperature",
      description =
          "heldout: fit each tuned version's temperature on held-out labelled examples of the"
              + " served classes (default); none: serve versions at temperature 1, as tuned.")
  String posthocTemperature;

  @Option(
      names = "--retrain-classes",
      description =
          "ready: a retraining tunes on every class with --min-shots examples (default);"
              + " version-base: only on the serving version's base classes, so that no label of"
              + " another class is tuned on (the base-to-new protocol; with coop+dor the other"
              + " classes keep text features near zero-shot's).")
  String retrainClasses;

  @Option(names = "--dataset", paramLabel = "DIR", description = "CoOp-format dataset for v1.")
  Path dataset;

  @Option(
      names = "--template",
      description = "Hand-written template (default: 'a photo of a {}.').")
  String template;

  @Option(names = "--shots", description = "Examples kept per class (default: 16).")
  Integer shots;

  @Option(names = "--min-shots", description = "Examples a base class needs (default: 4).")
  Integer minShots;

  @Option(
      names = "--cooldown",
      description = "Time between retrainings, e.g. 10m, 30s (default: 10m).")
  String cooldown;

  @Option(names = "--epochs", description = "Training epochs (default: 50).")
  Integer epochs;

  @Option(names = "--optimizer", description = "adam or sgd (default: sgd).")
  String optimizer;

  @Option(names = "--lr", description = "Peak learning rate (default: 0.002).")
  Double lr;

  @Option(
      names = "--outliers",
      paramLabel = "FILE",
      description = "Outlier word list (default: WordNet nouns).")
  Path outliers;

  @Option(names = "--max-accuracy-drop", description = "Publish gate margin (default: 0.02).")
  Double maxAccuracyDrop;

  @Option(names = "--max-ece-rise", description = "Publish gate margin (default: 0.01).")
  Double maxEceRise;

  @Option(
      names = "--min-judged",
      description =
          "Held-out examples a retrained version is judged on, at least; fewer: not published"
              + " (default: 30).")
  Long minJudged;

  @Option(
      names = "--evidence-wait",
      description =
          "How long a retrain request waits for 2 x min-judged held-out examples newer than its"
              + " alert's evidence before it is judged on the newest ones, e.g. 15m (default: 15m).")
  String evidenceWait;

  @Option(
      names = "--image-roots",
      paramLabel = "DIR[,DIR...]",
      description =
          "Directories whose regular files file:// claim checks of labelled images may name, as"
              + " for the scorer. Without it claim checks are skipped and dead-lettered as"
              + " URI_NOT_ALLOWED (default: none).")
  String imageRoots;

  @Option(names = "--prefix", description = "Topic name prefix (default: none).")
  String prefix;

  @Option(
      names = "--metrics-port",
      description = "Serve Prometheus metrics at /metrics on this port; 0 = off (default: 0).")
  Integer metricsPort;

  @Option(names = "--metrics-host", description = "Address to bind (default: 127.0.0.1).")
  String metricsHost;

  @Option(
      names = "--signing-key",
      paramLabel = "FILE",
      description =
          "Ed25519 private key (PKCS#8 PEM, 'calmon keys generate' writes one) every published"
              + " prompt version is signed with; scorers serve only versions signed by a key they"
              + " trust (default: none, versions are published unsigned).")
  Path signingKey;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file of settings.")
  Path config;

  private Properties file = new Properties();

  /**
   * The keys a {@code --config} file may set: the flag names without their dashes. Any other key is
   * refused at start-up (a typo must not fall back to a default without a word).
   */
  static final Set<String> FILE_KEYS =
      Set.of(
          "bootstrap-servers",
          "kafka-config",
          "bootstrap-method",
          "cooldown",
          "dataset",
          "deployment",
          "epochs",
          "evidence-wait",
          "image-roots",
          "lr",
          "max-accuracy-drop",
          "max-ece-rise",
          "method",
          "metrics-host",
          "metrics-port",
          "min-judged",
          "min-shots",
          "model",
          "optimizer",
          "outliers",
          "posthoc-temperature",
          "retrain-classes",
          "prefix",
          "shots",
          "signing-key",
          "template");

  @Override
  public Integer call() throws InterruptedException {
    file = loadConfig();
    fromFileUnlessGiven();
    TrainerSettings settings = settings();
    Path modelDir = pick(model, "model", Path::of, null);
    if (modelDir == null || !Files.isDirectory(modelDir)) {
      throw new UserError("--model must name a CLIP model directory, got " + modelDir);
    }
    bootstrap.connect().close();
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              try {
                stopped.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "calmon-trainer-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Throwable failure = null;
    try (ClipModel clip = loadModel(modelDir);
        TrainerService trainer = start(new TrainerService(settings, clip))) {
      if (!trainer.awaitReady(Duration.ofMinutes(30))) {
        failure = trainer.failure();
        if (failure == null) {
          throw new IllegalStateException("trainer did not start within 30 minutes");
        }
        return stoppedOnError(settings.deployment(), failure);
      }
      int port = trainer.metricsPort();
      spec.commandLine()
          .getErr()
          .println(
              "calmon: trainer running; metrics "
                  + (port < 0
                      ? "off"
                      : "http://" + settings.metricsHost() + ":" + port + "/metrics")
                  + (settings.kafka().isEmpty()
                      ? ""
                      : "; Kafka client properties " + settings.kafka())
                  + (settings.signingKey() == null
                      ? "; prompt versions published unsigned (scorers refuse them unless started"
                          + " with --allow-unsigned-prompts)"
                      : "; prompt versions signed with key " + settings.signingKey().keyId())
                  + "; Ctrl-C or SIGTERM stops it");
      while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
        if (!trainer.isRunning()) {
          failure = trainer.failure();
          break;
        }
      }
    } finally {
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook is running and waits for `stopped`.
      }
    }
    return failure == null ? 0 : stoppedOnError(settings.deployment(), failure);
  }

  /**
   * One line in words for a trainer that stopped on an error (fenced by a second trainer of its
   * deployment, a broker it cannot reach, ...); the exception with its stack is in the log.
   */
  private int stoppedOnError(String deployment, Throwable failure) {
    String why =
        failure instanceof ProducerFencedException
            ? "another trainer of deployment "
                + deployment
                + " started and took over its transactions (one trainer per deployment)"
            : "stopped on an error: "
                + (failure.getMessage() == null ? "see the log" : failure.getMessage());
    spec.commandLine().getErr().println("calmon: trainer of deployment " + deployment + ": " + why);
    spec.commandLine().getErr().flush();
    return 1;
  }

  /** Starts the service; a metrics port that cannot be bound is the user's to fix. */
  private static TrainerService start(TrainerService trainer) {
    try {
      return trainer.start();
    } catch (UncheckedIOException e) {
      trainer.close();
      throw UserError.metricsEndpoint("--metrics-port", e);
    }
  }

  private static ClipModel loadModel(Path dir) {
    try {
      return ClipModel.load(dir);
    } catch (RuntimeException e) {
      throw new UserError("--model " + dir + ": " + e.getMessage(), e);
    }
  }

  TrainerSettings settings() {
    TuningConfig defaults =
        TuningConfig.defaults(
            parseText(method, "method", TuningMethod::parse, TuningMethod.parse("coop+dor")));
    TuningConfig tuning;
    try {
      tuning =
          defaults.toBuilder()
              .template(pick(template, "template", s -> s, defaults.template()))
              .epochs(pick(epochs, "epochs", Integer::parseInt, defaults.epochs()))
              .optimizer(
                  parseText(
                      optimizer, "optimizer", TrainerCommand::optimizer, defaults.optimizer()))
              .lr(pick(lr, "lr", Double::parseDouble, defaults.lr()))
              .build();
    } catch (IllegalArgumentException e) {
      throw new UserError("tuning settings: " + e.getMessage(), e);
    }
    Path modelDir = pick(model, "model", Path::of, null);
    PrintWriter err = new PrintWriter(System.err, true);
    TrainerSettings.Builder b =
        TrainerSettings.builder()
            .setBootstrapServers(bootstrap.bootstrapServers)
            .optKafka(bootstrap.kafka())
            .setBackboneId(
                modelDir == null
                    ? "unknown"
                    : String.valueOf(modelDir.toAbsolutePath().normalize().getFileName()))
            .optTopics(TopicsCommand.topicsWithPrefix(pick(prefix, "prefix", s -> s, "")))
            .optDeployment(pick(deployment, "deployment", s -> s, "default"))
            .optTuning(tuning)
            .optBootstrapMethod(
                parseText(bootstrapMethod, "bootstrap-method", TuningMethod::parse, null))
            .optShots(pick(shots, "shots", Integer::parseInt, 16))
            .optMinShots(pick(minShots, "min-shots", Integer::parseInt, 4))
            .optCooldown(
                parseText(
                    cooldown, "cooldown", t -> duration("cooldown", t), Duration.ofMinutes(10)))
            .optOutliers(pick(outliers, "outliers", Path::of, null))
            .optMaxAccuracyDrop(
                pick(maxAccuracyDrop, "max-accuracy-drop", Double::parseDouble, 0.02))
            .optMaxEceRise(pick(maxEceRise, "max-ece-rise", Double::parseDouble, 0.01))
            .optMinJudged(pick(minJudged, "min-judged", Long::parseLong, 30L))
            .optEvidenceWait(
                parseText(
                    evidenceWait,
                    "evidence-wait",
                    t -> duration("evidence-wait", t),
                    Duration.ofMinutes(15)))
            .optDataset(pick(dataset, "dataset", Path::of, null))
            .optPosthocTemperature(
                parseText(
                    posthocTemperature,
                    "posthoc-temperature",
                    TrainerCommand::posthocTemperature,
                    true))
            .optRetrainClasses(
                parseText(
                    retrainClasses,
                    "retrain-classes",
                    TrainerCommand::retrainClasses,
                    TrainerSettings.RetrainClasses.READY))
            .optMetricsPort(metricsPort())
            .optMetricsHost(pick(metricsHost, "metrics-host", s -> s, "127.0.0.1"))
            .optImageLimits(
                new ImageLimits(
                    ImagePreprocessor.DEFAULT_MAX_PIXELS,
                    ImageLimits.DEFAULT_MAX_BYTES,
                    parseText(imageRoots, "image-roots", TrainerCommand::paths, List.of())))
            .optProgress(TuningProgress.printingTo(err, "calmon: trainer"))
            .optSigningKey(signingKey());
    TrainerSettings settings;
    try {
      settings = b.build();
    } catch (IllegalArgumentException e) {
      throw new UserError("settings: " + e.getMessage(), e);
    }
    if (settings.outliers() != null && !Files.isReadable(settings.outliers())) {
      throw new UserError("--outliers " + settings.outliers() + " is not a readable file");
    }
    if (settings.dataset() != null && !Files.isDirectory(settings.dataset())) {
      throw new UserError("--dataset " + settings.dataset() + " is not a directory");
    }
    return settings;
  }

  /** {@code --signing-key} (or {@code signing-key} in the file); none: unsigned versions. */
  private SigningKey signingKey() {
    Path file = pick(signingKey, "signing-key", Path::of, null);
    if (file == null) {
      return null;
    }
    try {
      return SigningKey.read(file);
    } catch (IllegalArgumentException e) {
      throw new UserError("--signing-key " + e.getMessage(), e);
    }
  }

  /** Comma-separated directories, made absolute. */
  private static List<Path> paths(String text) {
    return Arrays.stream(text.split(","))
        .map(String::trim)
        .filter(t -> !t.isEmpty())
        .map(t -> Path.of(t).toAbsolutePath().normalize())
        .toList();
  }

  /** {@code --metrics-port} (or {@code metrics-port} in the file), 0..65535; 0 = off. */
  private int metricsPort() {
    int port = pick(metricsPort, "metrics-port", Integer::parseInt, 0);
    if (port < 0 || port > 65535) {
      throw new UserError("--metrics-port must be in 0..65535 (0 = off), got " + port);
    }
    return port;
  }

  /** Like {@link #pick} for a flag given as text: the flag is parsed too, naming it on error. */
  private <T> T parseText(String flag, String key, Function<String, T> parse, T fallback) {
    if (flag == null) {
      return pick(null, key, parse, fallback);
    }
    try {
      return parse.apply(flag.trim());
    } catch (UserError e) {
      throw e;
    } catch (RuntimeException e) {
      throw new UserError("--" + key + " " + flag + ": " + e.getMessage(), e);
    }
  }

  /** The flag's value, else the config file's (parsed), else the default; names the bad one. */
  private <T> T pick(T flag, String key, Function<String, T> parse, T fallback) {
    if (!FILE_KEYS.contains(key)) {
      throw new IllegalStateException("setting '" + key + "' is missing from FILE_KEYS");
    }
    if (flag != null) {
      return flag;
    }
    String text = file.getProperty(key);
    if (text == null) {
      return fallback;
    }
    try {
      return parse.apply(text.trim());
    } catch (RuntimeException e) {
      throw new UserError(
          "--config " + config + ": " + key + "=" + text + ": " + e.getMessage(), e);
    }
  }

  private Properties loadConfig() {
    Properties p = new Properties();
    if (config != null) {
      try (InputStream in = Files.newInputStream(config)) {
        p.load(in);
      } catch (IOException e) {
        throw new UserError("--config " + config + ": cannot read it (" + e.getMessage() + ")", e);
      }
      for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
        if (!FILE_KEYS.contains(key)) {
          throw new UserError(
              "--config "
                  + config
                  + ": unknown key '"
                  + key
                  + "' (keys are the trainer's flag names without their dashes)");
        }
      }
    }
    return p;
  }

  /**
   * The Kafka connection from the file when neither a flag nor the environment gives it: flags,
   * then {@code CALMON_BOOTSTRAP_SERVERS} / {@code CALMON_KAFKA_CONFIG}, then the file.
   */
  private void fromFileUnlessGiven() {
    var parsed = spec.commandLine().getParseResult();
    String servers = file.getProperty("bootstrap-servers");
    if (servers != null
        && !parsed.hasMatchedOption("--bootstrap-servers")
        && System.getenv("CALMON_BOOTSTRAP_SERVERS") == null) {
      bootstrap.bootstrapServers = servers.trim();
    }
    String kafkaConfig = file.getProperty("kafka-config");
    if (kafkaConfig != null
        && bootstrap.kafka.file == null
        && System.getenv(io.calmon.kafka.KafkaClientConfig.ENV) == null) {
      bootstrap.kafka.file = Path.of(kafkaConfig.trim());
    }
  }

  private static boolean posthocTemperature(String s) {
    return switch (s.trim()) {
      case "heldout" -> true;
      case "none" -> false;
      default -> throw new UserError("--posthoc-temperature must be heldout or none, got " + s);
    };
  }

  private static TrainerSettings.RetrainClasses retrainClasses(String s) {
    return switch (s.trim()) {
      case "ready" -> TrainerSettings.RetrainClasses.READY;
      case "version-base" -> TrainerSettings.RetrainClasses.VERSION_BASE;
      default -> throw new UserError("--retrain-classes must be ready or version-base, got " + s);
    };
  }

  private static OptimizerKind optimizer(String s) {
    try {
      return OptimizerKind.valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UserError("--optimizer must be adam or sgd, got " + s, e);
    }
  }

  /** A duration of the one syntax ({@link DurationFlag}); a bad one is a user error naming it. */
  static Duration duration(String key, String s) {
    return DurationFlag.parse("--" + key, s);
  }
}
