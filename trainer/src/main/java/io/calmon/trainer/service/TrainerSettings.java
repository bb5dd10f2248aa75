package io.calmon.trainer.service;

import io.calmon.clip.image.ImageLimits;
import io.calmon.clip.image.ImagePreprocessor;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.kafka.KafkaSettings;
import io.calmon.schemas.signing.SigningKey;
import io.calmon.service.ConfigException;
import io.calmon.service.LayeredConfig;
import io.calmon.service.MetricsSettings;
import io.calmon.tuning.OptimizerKind;
import io.calmon.tuning.TuningConfig;
import io.calmon.tuning.TuningMethod;
import io.calmon.tuning.TuningProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Everything a {@link TrainerService} runs with, validated once by {@link Builder#build()}.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param kafka the operator's Kafka client properties (security), applied to every client
 * @param topics the topic names (a prefix for tests or side-by-side deployments)
 * @param deployment the deployment served: records of other deployments are skipped
 * @param backboneId name of the frozen backbone, written into each prompt version
 * @param tuning the tuning run's configuration (method, template, epochs, optimizer, lr, seed)
 * @param initialMethod the method of version 1 when it differs from {@code tuning}'s (e.g. CoOp
 *     alone, served first and followed by retrainings with DOR), or null
 * @param initialEpochs the epochs of version 1's tuning when they differ from {@code tuning}'s
 *     (CoOp needs many to overfit its shots), or 0
 * @param shots few-shot examples kept per class (the reservoir's size)
 * @param minShots examples a class needs to become a base class of a new version
 * @param cooldown minimum time between two accepted retrainings
 * @param outliers a word list for DOR's outlier pool (one a line), or null for WordNet nouns
 * @param outlierPoolSize outlier words kept (K)
 * @param maxAccuracyDrop the publish gate's accuracy margin (fraction)
 * @param maxEceRise the publish gate's ECE margin (fraction)
 * @param minJudged held-out examples (the judge half) a retrained candidate is judged on, at least
 * @param evidenceWait how long a request naming its evidence's start waits for {@code 2 x
 *     minJudged} held-out examples from then on, before it is judged on the newest ones instead
 * @param dataset a CoOp-format dataset to train version 1 from when none exists, or null
 * @param heldOutOneIn 1 in this many labelled events is held out for the publish gate
 * @param heldOutPerClass recent held-out examples kept per class
 * @param pendingCapacity image events (and labels) waiting for their other half, at most
 * @param pollTimeout how long one poll waits for records
 * @param progress receives one report per training epoch
 * @param metricsHost address the Prometheus endpoint binds
 * @param metricsPort port of the Prometheus endpoint {@code /metrics}; 0 turns it off
 * @param imageLimits what labelled images may be: the scorer's limits (pixel and byte budget;
 *     {@code file://} claim checks only under the allowed roots, none by default). An image over
 *     them, or corrupt, is skipped, counted and dead-lettered; the trainer goes on
 * @param posthocTemperature fit each tuned version's temperature on held-out labelled examples of
 *     the served classes (and consider the served context with a refitted temperature as a
 *     candidate); false serves every version at temperature 1, as tuned (the paper's protocol: no
 *     label of a class outside the tuning shots is used)
 * @param retrainClasses which classes a retraining tunes on
 * @param signingKey the Ed25519 key every published prompt version is signed with, or null to
 *     publish them unsigned (scorers refuse those unless told to allow them). The default, {@link
 *     SigningKey#inProcess()}, is a key made for this JVM, which only scorers built in the same
 *     process trust by default (the demo, tests); {@code calmon trainer} signs with {@code
 *     --signing-key FILE} or not at all
 */
public record TrainerSettings(
    String bootstrapServers,
    KafkaClientConfig kafka,
    CalmonTopics topics,
    String deployment,
    String backboneId,
    TuningConfig tuning,
    TuningMethod initialMethod,
    int initialEpochs,
    int shots,
    int minShots,
    Duration cooldown,
    Path outliers,
    int outlierPoolSize,
    double maxAccuracyDrop,
    double maxEceRise,
    long minJudged,
    Duration evidenceWait,
    Path dataset,
    int heldOutOneIn,
    int heldOutPerClass,
    int pendingCapacity,
    Duration pollTimeout,
    TuningProgress progress,
    String metricsHost,
    int metricsPort,
    ImageLimits imageLimits,
    boolean posthocTemperature,
    RetrainClasses retrainClasses,
    SigningKey signingKey) {

  /** Which classes a retraining tunes on. */
  public enum RetrainClasses {
    /** Every class with at least {@code minShots} reservoir examples (the default). */
    READY,
    /**
     * Only the serving version's base classes (those with {@code minShots} reservoir examples): the
     * classes served beyond them stay as their text features put them, which DOR keeps near
     * zero-shot, and no label of them is tuned on.
     */
    VERSION_BASE
  }

  /**
   * The configuration of a tuning run that makes version 1 when {@code bootstrap}, else a later
   * version: {@link #tuning()} with {@link #initialMethod()} and {@link #initialEpochs()} when they
   * are set.
   */
  public TuningConfig tuningFor(boolean bootstrap) {
    TuningConfig config = tuning;
    if (bootstrap && initialMethod != null) {
      config = config.withMethod(initialMethod);
    }
    if (bootstrap && initialEpochs > 0) {
      config = config.toBuilder().epochs(initialEpochs).build();
    }
    return config;
  }

  /** The consumer group of the trainer of {@link #deployment()}. */
  public String groupId() {
    return groupId(deployment);
  }

  /**
   * The consumer group of the trainer of {@code deployment}, {@code calmon-trainer-<d>}, which is
   * also its transactional id.
   */
  public static String groupId(String deployment) {
    return "calmon-trainer-" + deployment;
  }

  /**
   * The transactional id of the trainer of {@code deployment}: one per deployment, so a second
   * trainer of the same deployment fences the first.
   */
  public String transactionalId() {
    return groupId();
  }

  /**
   * The keys {@code calmon trainer} understands (its flags without dashes, its {@code --config}
   * file's keys, its {@code CALMON_*} variables), with the code defaults.
   */
  public static LayeredConfig.Builder definitions() {
    TuningConfig tuning = TuningConfig.defaults(TuningMethod.parse(DEFAULT_METHOD));
    LayeredConfig.Builder b = KafkaSettings.define(LayeredConfig.builder());
    return MetricsSettings.define(b)
        .define("model", null, "DIR", "CLIP model directory; required")
        .define("deployment", "default", "NAME", "deployment to train for")
        .define(
            "method",
            DEFAULT_METHOD,
            "METHOD",
            "tuning method: coop, kgcoop, with +dor for Dynamic Outlier Regularization")
        .define(
            "initial-method",
            null,
            "METHOD",
            "method of version 1 only, when it differs from method (e.g. coop, to serve CoOp first"
                + " and let retrainings by method follow it)")
        .define(
            "posthoc-temperature",
            "heldout",
            "heldout|none",
            "heldout: fit each tuned version's temperature on held-out labelled examples of the"
                + " served classes; none: serve versions at temperature 1, as tuned")
        .define(
            "retrain-classes",
            "ready",
            "ready|version-base",
            "ready: a retraining tunes on every class with min-shots examples; version-base: only"
                + " on the serving version's base classes (the base-to-new protocol)")
        .define("dataset", null, "DIR", "CoOp-format dataset version 1 is tuned on")
        .define("template", tuning.template(), "TEXT", "hand-written template, {} for the class")
        .define("shots", "16", "N", "examples kept per class")
        .define("min-shots", "4", "N", "examples a class needs to be tuned on")
        .define("cooldown", "10m", "DURATION", "time between retrainings")
        .define(
            "epochs",
            null,
            "N",
            "training epochs (none: the method's, "
                + tuning.epochs()
                + " for "
                + DEFAULT_METHOD
                + ")")
        .define(
            "optimizer",
            null,
            "adam|sgd",
            "optimizer (none: the method's, "
                + tuning.optimizer().name().toLowerCase(Locale.ROOT)
                + " for "
                + DEFAULT_METHOD
                + ")")
        .define(
            "lr",
            null,
            "X",
            "peak learning rate (none: the method's, "
                + tuning.lr()
                + " for "
                + DEFAULT_METHOD
                + ")")
        .define("outliers", null, "FILE", "outlier word list, one a line (default: WordNet nouns)")
        .define("max-accuracy-drop", "0.02", "X", "publish gate: largest held-out accuracy drop")
        .define("max-ece-rise", "0.01", "X", "publish gate: largest held-out ECE rise")
        .define(
            "min-judged",
            "30",
            "N",
            "held-out examples a retrained version is judged on, at least; fewer: not published")
        .define(
            "evidence-wait",
            "15m",
            "DURATION",
            "how long a retrain request waits for 2 x min-judged held-out examples newer than its"
                + " alert's evidence before it is judged on the newest ones")
        .define(
            "image-roots",
            null,
            "DIR[,DIR...]",
            "directories whose regular files file:// claim checks of labelled images may name;"
                + " without it claim checks are dead-lettered as URI_NOT_ALLOWED")
        .define(
            "signing-key",
            null,
            "FILE",
            "Ed25519 private key (PKCS#8 PEM, 'calmon keys generate' writes one) every published"
                + " prompt version is signed with (default: none, versions are published unsigned)");
  }

  /** The method retrainings use unless {@code method} says otherwise. */
  public static final String DEFAULT_METHOD = "coop+dor";

  /**
   * Reads and checks every key.
   *
   * @param progress where tuning reports its epochs
   * @throws ConfigException naming the first bad key, its rule and where its value came from
   */
  public static TrainerSettings from(LayeredConfig config, TuningProgress progress) {
    TuningMethod method = parsed(config, "method", TuningMethod::parse);
    TuningConfig defaults = TuningConfig.defaults(method);
    TuningConfig.Builder t = defaults.toBuilder().template(config.string("template"));
    if (config.optionalString("epochs") != null) {
      t.epochs(config.integer("epochs", 1, 100_000));
    }
    if (config.optionalString("optimizer") != null) {
      t.optimizer(parsed(config, "optimizer", TrainerSettings::optimizer));
    }
    if (config.optionalString("lr") != null) {
      t.lr(config.fraction("lr", 0, 10));
    }
    TuningConfig tuning;
    try {
      tuning = t.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("method", e.getMessage(), e);
    }
    Path model = config.optionalPath("model");
    Path outliers = config.optionalPath("outliers");
    if (outliers != null && !Files.isReadable(outliers)) {
      throw config.invalid("outliers", "must be a readable file");
    }
    Path dataset = config.optionalPath("dataset");
    if (dataset != null && !Files.isDirectory(dataset)) {
      throw config.invalid("dataset", "must be a directory");
    }
    Builder b =
        builder()
            .setBootstrapServers(KafkaSettings.bootstrapServers(config))
            .optKafka(KafkaSettings.kafka(config))
            .optTopics(KafkaSettings.topics(config))
            .setBackboneId(
                model == null
                    ? "unknown"
                    : String.valueOf(model.toAbsolutePath().normalize().getFileName()))
            .optDeployment(config.string("deployment"))
            .optTuning(tuning)
            .optShots(config.integer("shots", 1, 100_000))
            .optMinShots(minShots(config))
            .optCooldown(config.duration("cooldown", Duration.ZERO))
            .optOutliers(outliers)
            .optMaxAccuracyDrop(config.fraction("max-accuracy-drop", -1e-12, 1 + 1e-12))
            .optMaxEceRise(config.fraction("max-ece-rise", -1e-12, 1 + 1e-12))
            .optMinJudged(config.longValue("min-judged", 0, Long.MAX_VALUE))
            .optEvidenceWait(config.duration("evidence-wait", Duration.ZERO))
            .optDataset(dataset)
            .optPosthocTemperature(
                switch (config.string("posthoc-temperature")) {
                  case "heldout" -> true;
                  case "none" -> false;
                  default -> throw config.invalid("posthoc-temperature", "must be heldout or none");
                })
            .optRetrainClasses(
                switch (config.string("retrain-classes")) {
                  case "ready" -> RetrainClasses.READY;
                  case "version-base" -> RetrainClasses.VERSION_BASE;
                  default ->
                      throw config.invalid("retrain-classes", "must be ready or version-base");
                })
            .optMetricsPort(MetricsSettings.port(config))
            .optMetricsHost(MetricsSettings.host(config))
            .optImageLimits(
                new ImageLimits(
                    ImagePreprocessor.DEFAULT_MAX_PIXELS,
                    ImageLimits.DEFAULT_MAX_BYTES,
                    config.list("image-roots").stream()
                        .map(p -> Path.of(p).toAbsolutePath().normalize())
                        .toList()))
            .optProgress(progress)
            .optSigningKey(signingKey(config));
    String initial = config.optionalString("initial-method");
    if (initial != null) {
      TuningMethod initialMethod = parsed(config, "initial-method", TuningMethod::parse);
      if (!initialMethod.tunes()) {
        throw config.invalid(
            "initial-method", "must tune a context (coop, coop+dor, kgcoop, kgcoop+dor)");
      }
      b.optInitialMethod(initialMethod);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config", e.getMessage(), e);
    }
  }

  /** The one rule across keys: a class cannot need more examples than are kept of it. */
  private static int minShots(LayeredConfig config) {
    int minShots = config.integer("min-shots", 1, 100_000);
    int shots = config.integer("shots", 1, 100_000);
    if (minShots > shots) {
      throw config.invalid("min-shots", "min shots must not exceed shots (" + shots + ")");
    }
    return minShots;
  }

  private static OptimizerKind optimizer(String text) {
    try {
      return OptimizerKind.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("must be adam or sgd", e);
    }
  }

  /** {@code signing-key}, read; none: versions are published unsigned. */
  private static SigningKey signingKey(LayeredConfig config) {
    Path file = config.optionalPath("signing-key");
    if (file == null) {
      return null;
    }
    try {
      return SigningKey.read(file);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "signing-key", e.getMessage() + " (from " + config.source("signing-key") + ")", e);
    }
  }

  /** A value parsed by {@code parse}, whose refusal becomes an error naming the key. */
  private static <T> T parsed(LayeredConfig config, String key, Function<String, T> parse) {
    try {
      return parse.apply(config.string(key));
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw config.invalid(key, e.getMessage());
    }
  }

  /** A builder with every default set; {@code bootstrapServers} and {@code backboneId} needed. */
  public static Builder builder() {
    return new Builder();
  }

  /** Sets fields by name; {@link #build()} validates and names the bad value. */
  public static final class Builder {
    private String bootstrapServers;
    private KafkaClientConfig kafka = KafkaClientConfig.none();
    private CalmonTopics topics = CalmonTopics.standard();
    private String deployment = "default";
    private String backboneId;
    private TuningConfig tuning = TuningConfig.defaults(TuningMethod.parse("coop+dor"));
    private TuningMethod initialMethod;
    private int initialEpochs;
    private int shots = 16;
    private int minShots = 4;
    private Duration cooldown = Duration.ofMinutes(10);
    private Path outliers;
    private int outlierPoolSize = 5000;
    private double maxAccuracyDrop = 0.02;
    private double maxEceRise = 0.01;
    private long minJudged = 30;
    private Duration evidenceWait = Duration.ofMinutes(15);
    private Path dataset;
    private int heldOutOneIn = 5;
    private int heldOutPerClass = 64;
    private int pendingCapacity = 10_000;
    private Duration pollTimeout = Duration.ofMillis(200);
    private TuningProgress progress = TuningProgress.NONE;
    private String metricsHost = "127.0.0.1";
    private ImageLimits imageLimits = ImageLimits.defaults();
    private int metricsPort;
    private boolean posthocTemperature = true;
    private RetrainClasses retrainClasses = RetrainClasses.READY;
    private SigningKey signingKey = SigningKey.inProcess();

    /** The operator's Kafka client properties (default: none, a plaintext cluster). */
    public Builder optKafka(KafkaClientConfig v) {
      kafka = Objects.requireNonNull(v, "kafka");
      return this;
    }

    public Builder setBootstrapServers(String v) {
      bootstrapServers = v;
      return this;
    }

    public Builder setBackboneId(String v) {
      backboneId = v;
      return this;
    }

    public Builder optTopics(CalmonTopics v) {
      topics = v;
      return this;
    }

    public Builder optDeployment(String v) {
      deployment = v;
      return this;
    }

    public Builder optTuning(TuningConfig v) {
      tuning = v;
      return this;
    }

    /** Version 1's method, when it differs from the tuning configuration's; null: the same. */
    public Builder optInitialMethod(TuningMethod v) {
      initialMethod = v;
      return this;
    }

    /** Version 1's tuning epochs, when they differ from the tuning configuration's; 0: the same. */
    public Builder optInitialEpochs(int v) {
      initialEpochs = v;
      return this;
    }

    public Builder optShots(int v) {
      shots = v;
      return this;
    }

    public Builder optMinShots(int v) {
      minShots = v;
      return this;
    }

    public Builder optCooldown(Duration v) {
      cooldown = v;
      return this;
    }

    public Builder optOutliers(Path v) {
      outliers = v;
      return this;
    }

    public Builder optOutlierPoolSize(int v) {
      outlierPoolSize = v;
      return this;
    }

    public Builder optMaxAccuracyDrop(double v) {
      maxAccuracyDrop = v;
      return this;
    }

    public Builder optMaxEceRise(double v) {
      maxEceRise = v;
      return this;
    }

    public Builder optMinJudged(long v) {
      minJudged = v;
      return this;
    }

    public Builder optEvidenceWait(Duration v) {
      evidenceWait = v;
      return this;
    }

    public Builder optDataset(Path v) {
      dataset = v;
      return this;
    }

    public Builder optHeldOutOneIn(int v) {
      heldOutOneIn = v;
      return this;
    }

    public Builder optHeldOutPerClass(int v) {
      heldOutPerClass = v;
      return this;
    }

    public Builder optPendingCapacity(int v) {
      pendingCapacity = v;
      return this;
    }

    public Builder optPollTimeout(Duration v) {
      pollTimeout = v;
      return this;
    }

    public Builder optProgress(TuningProgress v) {
      progress = v;
      return this;
    }

    /** The address the metrics endpoint binds (default 127.0.0.1). */
    public Builder optMetricsHost(String v) {
      metricsHost = v;
      return this;
    }

    /** Serve Prometheus metrics on this port; 0 (the default) turns the endpoint off. */
    public Builder optMetricsPort(int v) {
      metricsPort = v;
      return this;
    }

    public Builder optImageLimits(ImageLimits v) {
      imageLimits = v;
      return this;
    }

    /** Fit post-hoc temperatures on held-out examples (default true); false: temperature 1. */
    public Builder optPosthocTemperature(boolean v) {
      posthocTemperature = v;
      return this;
    }

    /** Which classes a retraining tunes on (default {@link RetrainClasses#READY}). */
    public Builder optRetrainClasses(RetrainClasses v) {
      retrainClasses = v;
      return this;
    }

    /**
     * The key prompt versions are signed with; null publishes them unsigned (default: {@link
     * SigningKey#inProcess()}).
     */
    public Builder optSigningKey(SigningKey v) {
      signingKey = v;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the setting and its bad value
     */
    public TrainerSettings build() {
      require(bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrap servers", "");
      require(backboneId != null && !backboneId.isBlank(), "backbone id", backboneId);
      require(topics != null, "topics", null);
      require(tuning != null, "tuning", null);
      require(
          initialMethod == null || initialMethod.tunes(),
          "initial method (one that tunes a context)",
          initialMethod);
      require(initialEpochs >= 0, "initial epochs (0 = the tuning's, or more)", initialEpochs);
      require(deployment != null && !deployment.isBlank(), "deployment", deployment);
      require(shots >= 1, "shots (at least 1)", shots);
      require(minShots >= 1 && minShots <= shots, "min shots (1..shots=" + shots + ")", minShots);
      require(cooldown != null && !cooldown.isNegative(), "cooldown (zero or more)", cooldown);
      require(outlierPoolSize >= 1, "outlier pool size (at least 1)", outlierPoolSize);
      require(
          maxAccuracyDrop >= 0 && maxAccuracyDrop <= 1,
          "max accuracy drop (0..1)",
          maxAccuracyDrop);
      require(maxEceRise >= 0 && maxEceRise <= 1, "max ECE rise (0..1)", maxEceRise);
      require(minJudged >= 0, "min judged (0 or more)", minJudged);
      require(
          evidenceWait != null && !evidenceWait.isNegative(),
          "evidence wait (zero or more)",
          evidenceWait);
      require(heldOutOneIn >= 2, "held-out share 1 in N (N at least 2)", heldOutOneIn);
      require(heldOutPerClass >= 1, "held-out per class (at least 1)", heldOutPerClass);
      require(pendingCapacity >= 1, "pending capacity (at least 1)", pendingCapacity);
      require(
          pollTimeout != null && !pollTimeout.isNegative() && !pollTimeout.isZero(),
          "poll timeout (positive)",
          pollTimeout);
      require(metricsHost != null && !metricsHost.isBlank(), "metrics host", metricsHost);
      require(imageLimits != null, "image limits", null);
      require(retrainClasses != null, "retrain classes", null);
      require(
          metricsPort >= 0 && metricsPort <= 65535,
          "metrics port (0..65535, 0 = off)",
          metricsPort);
      return new TrainerSettings(
          bootstrapServers,
          kafka,
          topics,
          deployment,
          backboneId,
          tuning,
          initialMethod,
          initialEpochs,
          shots,
          minShots,
          cooldown,
          outliers,
          outlierPoolSize,
          maxAccuracyDrop,
          maxEceRise,
          minJudged,
          evidenceWait,
          dataset,
          heldOutOneIn,
          heldOutPerClass,
          pendingCapacity,
          pollTimeout,
          progress == null ? TuningProgress.NONE : progress,
          metricsHost,
          metricsPort,
          imageLimits,
          posthocTemperature,
          retrainClasses,
          signingKey);
    }

    private static void require(boolean ok, String what, Object value) {
      if (!ok) {
        throw new IllegalArgumentException(what + " is invalid: " + value);
      }
    }
  }
}
