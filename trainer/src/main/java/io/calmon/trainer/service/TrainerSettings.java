package io.calmon.trainer.service;

import io.calmon.clip.image.ImageLimits;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.schemas.signing.SigningKey;
import io.calmon.tuning.TuningConfig;
import io.calmon.tuning.TuningMethod;
import io.calmon.tuning.TuningProgress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link TrainerService} runs with, validated once by {@link Builder#build()}.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param kafka the operator's Kafka client properties (security), applied to every client
 * @param topics the topic names (a prefix for tests or side-by-side deployments)
 * @param deployment the deployment served: records of other deployments are skipped
 * @param backboneId name of the frozen backbone, written into each prompt version
 * @param tuning the tuning run's configuration (method, template, epochs, optimizer, lr, seed)
 * @param bootstrapMethod the method of version 1 when it differs from {@code tuning}'s (e.g. CoOp
 *     alone, served first and followed by retrainings with DOR), or null
 * @param bootstrapEpochs the epochs of version 1's tuning when they differ from {@code tuning}'s
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
    TuningMethod bootstrapMethod,
    int bootstrapEpochs,
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
   * version: {@link #tuning()} with {@link #bootstrapMethod()} and {@link #bootstrapEpochs()} when
   * they are set.
   */
  public TuningConfig tuningFor(boolean bootstrap) {
    TuningConfig config = tuning;
    if (bootstrap && bootstrapMethod != null) {
      config = config.withMethod(bootstrapMethod);
    }
    if (bootstrap && bootstrapEpochs > 0) {
      config = config.toBuilder().epochs(bootstrapEpochs).build();
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
    private TuningMethod bootstrapMethod;
    private int bootstrapEpochs;
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
    public Builder optBootstrapMethod(TuningMethod v) {
      bootstrapMethod = v;
      return this;
    }

    /** Version 1's tuning epochs, when they differ from the tuning configuration's; 0: the same. */
    public Builder optBootstrapEpochs(int v) {
      bootstrapEpochs = v;
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
          bootstrapMethod == null || bootstrapMethod.tunes(),
          "bootstrap method (one that tunes a context)",
          bootstrapMethod);
      require(
          bootstrapEpochs >= 0, "bootstrap epochs (0 = the tuning's, or more)", bootstrapEpochs);
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
          bootstrapMethod,
          bootstrapEpochs,
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
