package io.calmon.scorer;

import io.calmon.clip.image.ImageLimits;
import io.calmon.clip.image.ImagePreprocessor;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.kafka.KafkaSettings;
import io.calmon.schemas.serde.AvroLimits;
import io.calmon.schemas.signing.TrustedKeys;
import io.calmon.service.ConfigException;
import io.calmon.service.Durations;
import io.calmon.service.LayeredConfig;
import io.calmon.service.MetricsSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything a {@link ScorerService} needs besides the model, validated once: a bad value fails
 * {@link Builder#build()} with an {@link IllegalArgumentException} naming the key and the allowed
 * range.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param kafka the operator's Kafka client properties (security), applied to every client
 * @param topics the topic catalogue (a prefix for tests or side-by-side deployments)
 * @param deployment the deployment served; names the consumer group {@code calmon-scorer-<d>}
 * @param instanceId this instance's id: it names the transactional id, so two live instances must
 *     never share one (the later fences the earlier). The default, {@link #defaultInstanceId()}, is
 *     unique per process (host, pid, random suffix); a stable id set per replica lets a restart
 *     fence its predecessor and abort its unfinished transaction at once instead of after {@code
 *     transactionTimeout}
 * @param template the hand-written zero-shot template, with {@code {}} for the class name
 * @param batchSize most images per micro-batch through the image encoder
 * @param maxWait longest a batch waits to fill up after its first image arrived
 * @param topK length of each prediction's top-k list (capped by the number of classes)
 * @param fullProbabilitiesMax ship the full probability vector when a class set has at most this
 *     many classes (0 = never)
 * @param maxPixels images with more pixels (checked on the header) are dead-lettered; so are images
 *     whose decoded raster would exceed 4 bytes per pixel of this limit (see {@link
 *     io.calmon.clip.image.ImagePreprocessor#BYTES_PER_PIXEL})
 * @param maxImageBytes inline images or claim-check files larger than this are dead-lettered (files
 *     unread)
 * @param imageRoots directories under which {@code file://} claim checks may lie (links resolved);
 *     empty, the default, turns claim checks off ({@code URI_NOT_ALLOWED}): an event can make the
 *     scorer read a file only where the operator allowed it. Only regular files are read
 * @param maxFutureSkew events whose {@code event_time} is further ahead of the scorer's clock are
 *     dead-lettered ({@code EVENT_TIME_IN_FUTURE}), as are negative ones ({@code INVALID_TIME}):
 *     the prediction carries the event time as its record timestamp, and the broker refuses
 *     timestamps more than {@code log.message.timestamp.after.max.ms} ahead (1 h by default since
 *     Kafka 4.0)
 * @param avroLimits Avro's decoder limits (bytes, string and collection lengths), set as system
 *     properties when the service is created
 * @param metricsHost address the Prometheus endpoint binds
 * @param metricsPort port of the Prometheus endpoint {@code /metrics}; 0 turns it off
 * @param transactionTimeout the producer's {@code transaction.timeout.ms}: how long the broker
 *     keeps a transaction of a dead instance open (holding back every later prediction on the
 *     partitions it wrote to, and its input offsets from the instance that takes them over) before
 *     aborting it. A transaction lasts at most about {@code commitInterval} plus one batch's
 *     scoring and its commit, so a few seconds suffice; it must exceed {@code commitInterval}
 * @param commitInterval how long a transaction stays open collecting micro-batches before it
 *     commits (Kafka Streams' {@code commit.interval.ms}): one commit per interval instead of one
 *     per batch. An event's prediction becomes visible to {@code read_committed} readers at most
 *     about {@code maxWait + commitInterval} plus scoring after it was polled. 0 commits every
 *     batch
 * @param decodeThreads threads that decode and preprocess images ahead of the model (a bounded
 *     pipeline, order kept); 0 decodes on the scoring thread, between batches
 * @param trustedKeys the public keys a prompt version's signature is checked against: a version
 *     signed by none of them, or whose signature does not match its content, is never served. The
 *     default, {@link TrustedKeys#inProcess()}, trusts only the key trainers built in this JVM sign
 *     with by default (the demo, tests); {@code calmon scorer} takes {@code --trusted-keys}
 * @param allowUnsignedPrompts serve prompt versions that carry no signature (an explicit opt-out,
 *     e.g. while trainers are given keys); a signature, when present, is still checked
 */
public record ScorerConfig(
    String bootstrapServers,
    KafkaClientConfig kafka,
    CalmonTopics topics,
    String deployment,
    String instanceId,
    String template,
    int batchSize,
    Duration maxWait,
    int topK,
    int fullProbabilitiesMax,
    long maxPixels,
    long maxImageBytes,
    List<Path> imageRoots,
    Duration maxFutureSkew,
    AvroLimits avroLimits,
    String metricsHost,
    int metricsPort,
    Duration transactionTimeout,
    Duration commitInterval,
    int decodeThreads,
    TrustedKeys trustedKeys,
    boolean allowUnsignedPrompts) {

  public static final String DEFAULT_DEPLOYMENT = "default";
  public static final String DEFAULT_TEMPLATE = "a photo of a {}.";
  public static final int DEFAULT_BATCH_SIZE = 16;
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(50);
  public static final int DEFAULT_TOP_K = 5;
  public static final int DEFAULT_FULL_PROBABILITIES_MAX = 64;

  /** 50 megapixels: see {@link ImagePreprocessor#DEFAULT_MAX_PIXELS}. */
  public static final long DEFAULT_MAX_PIXELS = ImagePreprocessor.DEFAULT_MAX_PIXELS;

  public static final long DEFAULT_MAX_IMAGE_BYTES = ImageLimits.DEFAULT_MAX_BYTES;

  /** The broker's default {@code log.message.timestamp.after.max.ms} (Kafka 4.0 on). */
  public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofHours(1);

  /** The metrics endpoint listens on loopback only unless told otherwise. */
  public static final String DEFAULT_METRICS_HOST = "127.0.0.1";

  /**
   * Kafka Streams' default under exactly-once, for the same reason: a crashed instance's partitions
   * are blocked this long (plus the broker's abort check, every 10 s by default), not Kafka's 60 s.
   */
  public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofSeconds(10);

  /** Kafka Streams' default {@code commit.interval.ms} under exactly-once. */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);

  /** One decode thread beside the scoring thread: the model and the decoding overlap. */
  public static final int DEFAULT_DECODE_THREADS = 1;

  /** The broker's default {@code transaction.max.timeout.ms}: longer ones are refused. */
  public static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

  /** Letters, digits, '.', '_', '-': the id goes into a group id and a transactional id. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  public ScorerConfig {
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(kafka, "kafka");
    require(
        bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrap.servers must be set");
    require(
        deployment != null && ID.matcher(deployment).matches(),
        "deployment must be 1-100 letters, digits, '.', '_' or '-', got '" + deployment + "'");
    require(
        instanceId != null && ID.matcher(instanceId).matches(),
        "instance id must be 1-100 letters, digits, '.', '_' or '-', got '" + instanceId + "'");
    require(
        template != null && template.contains("{}"),
        "template must contain {} where the class name goes, got '" + template + "'");
    require(batchSize >= 1 && batchSize <= 4096, "batch size must be in 1..4096, got " + batchSize);
    require(
        maxWait != null && !maxWait.isNegative() && maxWait.compareTo(Duration.ofMinutes(1)) <= 0,
        "max wait must be in 0..60s, got " + maxWait);
    require(topK >= 1, "top-k must be at least 1, got " + topK);
    require(
        fullProbabilitiesMax >= 0,
        "full-probabilities max must be at least 0, got " + fullProbabilitiesMax);
    require(maxPixels >= 1, "max pixels must be at least 1, got " + maxPixels);
    require(
        maxImageBytes >= 1 && maxImageBytes <= ImageLimits.MAX_BYTES,
        "max image bytes must be in 1.." + ImageLimits.MAX_BYTES + ", got " + maxImageBytes);
    require(imageRoots != null, "image roots must be a list (empty: claim checks off)");
    imageRoots = List.copyOf(imageRoots);
    for (Path root : imageRoots) {
      require(root.isAbsolute(), "image roots must be absolute directories, got '" + root + "'");
    }
    require(
        maxFutureSkew != null && !maxFutureSkew.isNegative(),
        "max future skew must be 0 or more, got " + maxFutureSkew);
    Objects.requireNonNull(avroLimits, "avroLimits");
    require(
        metricsHost != null && !metricsHost.isBlank(),
        "metrics host must be an address, got '" + metricsHost + "'");
    require(
        metricsPort >= 0 && metricsPort <= 65535,
        "metrics port must be in 0..65535 (0 = off), got " + metricsPort);
    require(
        transactionTimeout != null
            && transactionTimeout.compareTo(Duration.ofSeconds(1)) >= 0
            && transactionTimeout.compareTo(MAX_TRANSACTION_TIMEOUT) <= 0,
        "transaction timeout must be in 1s..15min, got " + transactionTimeout);
    require(
        commitInterval != null
            && !commitInterval.isNegative()
            && commitInterval.compareTo(transactionTimeout.dividedBy(2)) <= 0,
        "commit interval must be in 0.."
            + transactionTimeout.dividedBy(2).toMillis()
            + "ms (half the transaction timeout), got "
            + commitInterval);
    require(
        decodeThreads >= 0 && decodeThreads <= 64,
        "decode threads must be in 0..64, got " + decodeThreads);
    Objects.requireNonNull(trustedKeys, "trustedKeys");
  }

  /** A builder with every default set; only the bootstrap servers are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The consumer group all instances of this deployment share. */
  public String groupId() {
    return groupId(deployment);
  }

  /** The consumer group of the scorers of {@code deployment}: {@code calmon-scorer-<d>}. */
  public static String groupId(String deployment) {
    return "calmon-scorer-" + deployment;
  }

  /** The transactional id of this instance: stable across restarts, unique per instance. */
  public String transactionalId() {
    return transactionalIdPrefix(deployment) + instanceId;
  }

  /**
   * What every transactional id of the scorers of {@code deployment} starts with ({@code
   * calmon-scorer-<d>-}, the instance id follows): the prefix their ACL grants.
   */
  public static String transactionalIdPrefix(String deployment) {
    return groupId(deployment) + "-";
  }

  /** What the image loader may read: {@link #maxPixels}, {@link #maxImageBytes}, the roots. */
  public ImageLimits imageLimits() {
    return new ImageLimits(maxPixels, maxImageBytes, imageRoots);
  }

  /**
   * An instance id unique to this process and call: {@code <host>-<pid>-<4 hex digits>}, the host
   * name cut to fit and any character outside {@code [A-Za-z0-9._-]} replaced by '-'. Two replicas
   * started without {@code --instance-id} (as {@code docker compose --scale} does) get different
   * transactional ids, so they never fence each other.
   */
  public static String defaultInstanceId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "scorer";
    }
    host = host.replaceAll("[^A-Za-z0-9._-]", "-");
    host = host.substring(0, Math.min(host.length(), 60));
    String suffix = Integer.toHexString(0x10000 | new SecureRandom().nextInt(0x10000)).substring(1);
    return host + "-" + ProcessHandle.current().pid() + "-" + suffix;
  }

  /** The {@code service} field of this instance's dead letters. */
  public String serviceName() {
    return "scorer/" + instanceId;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * The keys {@code calmon scorer} understands (its flags without dashes, its {@code --config}
   * file's keys, its {@code CALMON_*} variables), with the code defaults.
   */
  public static LayeredConfig.Builder definitions() {
    LayeredConfig.Builder b = KafkaSettings.define(LayeredConfig.builder());
    return MetricsSettings.define(b)
        .define(
            "model",
            null,
            "DIR",
            "CLIP model directory (config.json, model.safetensors," + " tokenizer.json); required")
        .define("deployment", DEFAULT_DEPLOYMENT, "NAME", "deployment to serve")
        .define(
            "instance-id",
            null,
            "ID",
            "this instance's id, unique per live instance; names its transactional id. Set a"
                + " stable one per replica so that a restart fences its predecessor at once"
                + " (default: host, pid and a random suffix)")
        .define(
            "template",
            DEFAULT_TEMPLATE,
            "TEXT",
            "zero-shot template before any prompt version, with {} for the class name")
        .define("batch-size", Integer.toString(DEFAULT_BATCH_SIZE), "N", "most images per batch")
        .define(
            "max-wait",
            Durations.format(DEFAULT_MAX_WAIT),
            DURATION,
            "longest a batch waits to fill")
        .define(
            "commit-interval",
            Durations.format(DEFAULT_COMMIT_INTERVAL),
            DURATION,
            "one transaction per interval over every batch scored in it (like Kafka Streams'"
                + " commit.interval.ms; 0ms commits every batch)")
        .define(
            "transaction-timeout",
            Durations.format(DEFAULT_TRANSACTION_TIMEOUT),
            DURATION,
            "how long the broker keeps a dead instance's open transaction before aborting it")
        .define(
            "decode-threads",
            Integer.toString(DEFAULT_DECODE_THREADS),
            "N",
            "threads decoding and preprocessing images ahead of the model (0: the scoring"
                + " thread)")
        .define("top-k", Integer.toString(DEFAULT_TOP_K), "N", "classes in each top-k list")
        .define(
            "full-probabilities-max",
            Integer.toString(DEFAULT_FULL_PROBABILITIES_MAX),
            "N",
            "ship every class's probability for class sets up to this size")
        .define(
            "max-pixels",
            Long.toString(DEFAULT_MAX_PIXELS),
            "N",
            "dead-letter images whose header claims more pixels")
        .define(
            "image-roots",
            null,
            "DIR[,DIR...]",
            "directories whose regular files file:// claim checks may name; without it claim"
                + " checks are dead-lettered as URI_NOT_ALLOWED")
        .define(
            "max-future-skew",
            Durations.format(DEFAULT_MAX_FUTURE_SKEW),
            DURATION,
            "dead-letter events whose event time is further ahead of this machine's clock")
        .define(
            "trusted-keys",
            null,
            "FILE_OR_DIR",
            "public keys (PEM) of the trainers whose prompt versions may be served: a file, or a"
                + " directory of *.pub files ('calmon keys generate' writes them)")
        .defineSwitch(
            "allow-unsigned-prompts",
            "serve prompt versions that carry no signature (an explicit opt-out; signatures that"
                + " are present are still checked)");
  }

  private static final String DURATION = "DURATION";

  /**
   * Reads and checks every key but {@code model} and {@code connect-timeout} (the command's).
   *
   * @throws ConfigException naming the first bad key, its rule and where its value came from
   */
  public static ScorerConfig from(LayeredConfig config) {
    Builder b =
        builder()
            .setBootstrapServers(KafkaSettings.bootstrapServers(config))
            .optKafka(KafkaSettings.kafka(config))
            .optTopics(KafkaSettings.topics(config));
    check(config, b, "deployment", () -> b.optDeployment(config.string("deployment")));
    String instanceId = config.optionalString("instance-id");
    if (instanceId != null) {
      check(config, b, "instance-id", () -> b.optInstanceId(instanceId));
    }
    check(config, b, "template", () -> b.optTemplate(config.string("template")));
    check(
        config,
        b,
        "batch-size",
        () -> b.optBatchSize(config.integer("batch-size", 1, Integer.MAX_VALUE)));
    check(config, b, "max-wait", () -> b.optMaxWait(config.duration("max-wait", Duration.ZERO)));
    check(
        config,
        b,
        "decode-threads",
        () -> b.optDecodeThreads(config.integer("decode-threads", 0, 64)));
    check(config, b, "top-k", () -> b.optTopK(config.integer("top-k", 1, Integer.MAX_VALUE)));
    check(
        config,
        b,
        "full-probabilities-max",
        () ->
            b.optFullProbabilitiesMax(
                config.integer("full-probabilities-max", 0, Integer.MAX_VALUE)));
    check(
        config,
        b,
        "max-pixels",
        () -> b.optMaxPixels(config.longValue("max-pixels", 1, Long.MAX_VALUE)));
    check(
        config,
        b,
        "image-roots",
        () ->
            b.optImageRoots(
                config.list("image-roots").stream()
                    .map(p -> Path.of(p).toAbsolutePath().normalize())
                    .toList()));
    check(
        config,
        b,
        "max-future-skew",
        () -> b.optMaxFutureSkew(config.duration("max-future-skew", Duration.ZERO)));
    check(config, b, "metrics-host", () -> b.optMetricsHost(MetricsSettings.host(config)));
    check(config, b, "metrics-port", () -> b.optMetricsPort(MetricsSettings.port(config)));
    check(
        config,
        b,
        "transaction-timeout",
        () -> b.optTransactionTimeout(config.duration("transaction-timeout", Duration.ZERO)));
    // After the transaction timeout: the interval must stay below half of it.
    check(
        config,
        b,
        "commit-interval",
        () -> b.optCommitInterval(config.duration("commit-interval", Duration.ZERO)));
    boolean allowUnsigned = config.bool("allow-unsigned-prompts");
    return b.optTrustedKeys(trustedKeys(config, allowUnsigned))
        .optAllowUnsignedPrompts(allowUnsigned)
        .build();
  }

  /**
   * The keys of {@code trusted-keys}; without them, none, which only {@code allow-unsigned-prompts}
   * makes a choice rather than a mistake.
   */
  private static TrustedKeys trustedKeys(LayeredConfig config, boolean allowUnsigned) {
    Path file = config.optionalPath("trusted-keys");
    if (file == null) {
      if (!allowUnsigned) {
        throw new ConfigException(
            "trusted-keys",
            "prompt versions must be signed: give --trusted-keys FILE_OR_DIR (the trainers'"
                + " public keys), or --allow-unsigned-prompts to serve unsigned ones");
      }
      return TrustedKeys.none();
    }
    try {
      return TrustedKeys.read(file);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "trusted-keys", e.getMessage() + " (from " + config.source("trusted-keys") + ")", e);
    }
  }

  /** Sets one value and builds, so that a refusal names the key that caused it. */
  private static void check(LayeredConfig config, Builder b, String key, Runnable set) {
    set.run();
    try {
      b.build();
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw config.invalid(key, e.getMessage());
    }
  }

  /** Builds a {@link ScorerConfig}: {@code setX} for required values, {@code optX} for others. */
  public static final class Builder {
    private String bootstrapServers;
    private KafkaClientConfig kafka = KafkaClientConfig.none();
    private CalmonTopics topics = CalmonTopics.standard();
    private String deployment = DEFAULT_DEPLOYMENT;
    private String instanceId;
    private String template = DEFAULT_TEMPLATE;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration maxWait = DEFAULT_MAX_WAIT;
    private int topK = DEFAULT_TOP_K;
    private int fullProbabilitiesMax = DEFAULT_FULL_PROBABILITIES_MAX;
    private long maxPixels = DEFAULT_MAX_PIXELS;
    private long maxImageBytes = DEFAULT_MAX_IMAGE_BYTES;
    private List<Path> imageRoots = List.of();
    private Duration maxFutureSkew = DEFAULT_MAX_FUTURE_SKEW;
    private AvroLimits avroLimits = AvroLimits.defaults();
    private String metricsHost = DEFAULT_METRICS_HOST;
    private int metricsPort;
    private Duration transactionTimeout = DEFAULT_TRANSACTION_TIMEOUT;
    private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
    private int decodeThreads = DEFAULT_DECODE_THREADS;
    private TrustedKeys trustedKeys = TrustedKeys.inProcess();
    private boolean allowUnsignedPrompts;

    private Builder() {}

    public Builder setBootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    /** The operator's Kafka client properties (default: none, a plaintext cluster). */
    public Builder optKafka(KafkaClientConfig kafka) {
      this.kafka = kafka;
      return this;
    }

    public Builder optTopics(CalmonTopics topics) {
      this.topics = topics;
      return this;
    }

    public Builder optDeployment(String deployment) {
      this.deployment = deployment;
      return this;
    }

    public Builder optInstanceId(String instanceId) {
      this.instanceId = instanceId;
      return this;
    }

    public Builder optTemplate(String template) {
      this.template = template;
      return this;
    }

    public Builder optBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder optMaxWait(Duration maxWait) {
      this.maxWait = maxWait;
      return this;
    }

    public Builder optTopK(int topK) {
      this.topK = topK;
      return this;
    }

    public Builder optFullProbabilitiesMax(int fullProbabilitiesMax) {
      this.fullProbabilitiesMax = fullProbabilitiesMax;
      return this;
    }

    public Builder optMaxPixels(long maxPixels) {
      this.maxPixels = maxPixels;
      return this;
    }

    public Builder optMaxImageBytes(long maxImageBytes) {
      this.maxImageBytes = maxImageBytes;
      return this;
    }

    /** Directories claim checks may name; none (the default) turns claim checks off. */
    public Builder optImageRoots(List<Path> imageRoots) {
      this.imageRoots = imageRoots;
      return this;
    }

    public Builder optMaxFutureSkew(Duration maxFutureSkew) {
      this.maxFutureSkew = maxFutureSkew;
      return this;
    }

    public Builder optAvroLimits(AvroLimits avroLimits) {
      this.avroLimits = avroLimits;
      return this;
    }

    public Builder optMetricsHost(String metricsHost) {
      this.metricsHost = metricsHost;
      return this;
    }

    /** Serve Prometheus metrics on this port; 0 (the default) turns the endpoint off. */
    public Builder optMetricsPort(int metricsPort) {
      this.metricsPort = metricsPort;
      return this;
    }

    public Builder optTransactionTimeout(Duration transactionTimeout) {
      this.transactionTimeout = transactionTimeout;
      return this;
    }

    /** One transaction per this interval (0: one per micro-batch). */
    public Builder optCommitInterval(Duration commitInterval) {
      this.commitInterval = commitInterval;
      return this;
    }

    /** Threads decoding images ahead of the model (0: on the scoring thread). */
    public Builder optDecodeThreads(int decodeThreads) {
      this.decodeThreads = decodeThreads;
      return this;
    }

    /** The keys prompt versions must be signed by (default: {@link TrustedKeys#inProcess()}). */
    public Builder optTrustedKeys(TrustedKeys trustedKeys) {
      this.trustedKeys = trustedKeys;
      return this;
    }

    /** Serve prompt versions without a signature too (default: false, they are refused). */
    public Builder optAllowUnsignedPrompts(boolean allowUnsignedPrompts) {
      this.allowUnsignedPrompts = allowUnsignedPrompts;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad value
     */
    public ScorerConfig build() {
      if (instanceId == null) {
        instanceId = defaultInstanceId(); // once per builder: every build() agrees
      }
      return new ScorerConfig(
          bootstrapServers,
          kafka,
          topics,
          deployment,
          instanceId,
          template,
          batchSize,
          maxWait,
          topK,
          fullProbabilitiesMax,
          maxPixels,
          maxImageBytes,
          imageRoots,
          maxFutureSkew,
          avroLimits,
          metricsHost,
          metricsPort,
          transactionTimeout,
          commitInterval,
          decodeThreads,
          trustedKeys,
          allowUnsignedPrompts);
    }
  }
}
