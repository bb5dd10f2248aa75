package io.calmon.monitor;

import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.kafka.KafkaSettings;
import io.calmon.monitor.alerting.ConfidenceLiftRule;
import io.calmon.monitor.alerting.EceAlertRule;
import io.calmon.monitor.alerting.TextDivergenceRule;
import io.calmon.service.ConfigException;
import io.calmon.service.Durations;
import io.calmon.service.LayeredConfig;
import io.calmon.service.MetricsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything the monitor service needs to run, validated once at start-up from a {@link
 * LayeredConfig} (code defaults, then {@code --config FILE}, then {@code CALMON_*} variables, then
 * flags). Keys are the flag names of {@code calmon monitor}; {@link #definitions()} lists them with
 * their defaults.
 *
 * @param bootstrapServers the Kafka cluster
 * @param kafka the operator's Kafka client properties (security), applied to every client of the
 *     Kafka Streams instance and to the monitor's admin client
 * @param applicationId Kafka Streams application id: consumer group, internal topic and state names
 * @param topics the topic names (a prefix gives side-by-side deployments on one cluster)
 * @param stateDir where Kafka Streams keeps its local state stores, one subdirectory per cluster id
 * @param replicationFactor replicas of the monitor's internal (changelog, repartition) topics; -1
 *     for the broker's {@code default.replication.factor}
 * @param partitions partitions of calmon topics the monitor creates when they are missing
 * @param topicReplicationFactor replicas of calmon topics the monitor creates when they are missing
 * @param metricsHost address of the metrics endpoint
 * @param metricsPort port of the metrics endpoint; 0 turns it off
 * @param connectTimeout how long start-up waits for the cluster to answer (topic creation)
 * @param startTimeout how long {@link MonitorService#start()} waits for the RUNNING state
 * @param commitInterval how often Kafka Streams commits (one transaction per commit): outputs
 *     become visible to read_committed consumers at this pace; longer means fewer transactions
 * @param monitor the topology's own settings: windows, label delay, bins, alert rules
 */
public record MonitorSettings(
    String bootstrapServers,
    KafkaClientConfig kafka,
    String applicationId,
    CalmonTopics topics,
    Path stateDir,
    short replicationFactor,
    int partitions,
    short topicReplicationFactor,
    String metricsHost,
    int metricsPort,
    Duration connectTimeout,
    Duration startTimeout,
    Duration commitInterval,
    MonitorConfig monitor) {

  public MonitorSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(metricsHost, "metricsHost");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(startTimeout, "startTimeout");
    Objects.requireNonNull(commitInterval, "commitInterval");
    Objects.requireNonNull(monitor, "monitor");
  }

  /** The keys {@code calmon monitor} understands, with the code defaults. */
  public static LayeredConfig.Builder definitions() {
    MonitorConfig d = MonitorConfig.defaults();
    EceAlertRule rule = EceAlertRule.defaults();
    LayeredConfig.Builder b = KafkaSettings.define(LayeredConfig.builder());
    return MetricsSettings.define(b)
        .define(
            "application-id",
            null,
            "ID",
            "Kafka Streams application id (default calmon-monitor-<topic prefix or 'all'>)")
        .define(
            "state-dir",
            null,
            "DIR",
            "local state, one subdirectory per Kafka cluster id (default"
                + " ~/.calmon/state/<application id>)")
        .define(
            "replication-factor",
            "-1",
            "N",
            "replicas of the monitor's internal topics; -1: the broker's default.replication.factor")
        .define("partitions", "3", "N", "partitions of calmon topics created when missing")
        .define(
            "topic-replication-factor",
            "3",
            "N",
            "replicas of calmon topics created when missing (min.insync.replicas 2 from 3 on)")
        .define("start-timeout", "60s", DURATION, "how long to wait for the RUNNING state")
        .define(
            "commit-interval",
            "100ms",
            DURATION,
            "how often to commit (one transaction each); Kafka Streams' exactly-once default")
        .define("window-size", format(d.windowSize()), DURATION, "report window (event time)")
        .define("window-advance", format(d.windowAdvance()), DURATION, "hop between windows")
        .define(
            "label-delay", format(d.labelDelay()), DURATION, "longest a label may take to count")
        .define("grace", format(d.grace()), DURATION, "extra wait on top of the label delay")
        .define("bins", Integer.toString(d.bins()), "N", "equal-width bins of the reports, 1..1000")
        .define(
            "fine-bins-per-bin",
            Integer.toString(d.fineBinsPerBin()),
            "N",
            "sketch bins per bin (ACE)")
        .define(
            "interval-resamples",
            Integer.toString(d.bootstrapResamples()),
            "N",
            "bootstrap resamples of a final report's ECE interval")
        .define(
            "max-future-skew",
            format(d.maxFutureSkew()),
            DURATION,
            "event times further ahead of this machine's clock are dead-lettered")
        .define(
            "idle-timeout",
            format(d.idleTimeout()),
            DURATION,
            "wall-clock quiet after which an input partition no longer holds windows open")
        .define(
            "provisional-interval",
            format(d.provisionalInterval()),
            DURATION,
            "wall-clock time between provisional reports of one window")
        .define(
            "alert-groups",
            "true-base,true-new",
            "GROUP[,...]",
            "groups the ECE rule watches: true-base, true-new (by the label's class), base, new (by"
                + " the predicted class), all, or none")
        .define(
            "ece-threshold", Double.toString(rule.eceThreshold()), "X", "ECE above which to alert")
        .define(
            "ece-reference",
            rule.reference().label(),
            "none|zero-shot",
            "what ece-threshold is measured from: none (the ECE itself) or zero-shot (the ECE"
                + " minus the zero-shot template's ECE beyond sampling noise on the same labelled"
                + " events)")
        .define("min-labelled", Long.toString(rule.minLabelled()), "N", "labels a window needs")
        .define(
            "consecutive-windows",
            Integer.toString(rule.consecutiveWindows()),
            "N",
            "breaching windows in a row to fire")
        .define(
            "cooldown", format(rule.cooldown()), DURATION, "quiet time after an alert (event time)")
        .define(
            "require-ci-above-threshold",
            Boolean.toString(rule.requireCiAboveThreshold()),
            "true|false",
            "also require the ECE interval's lower end above the threshold")
        .define(
            "text-divergence-ratio",
            Double.toString(TextDivergenceRule.defaults().ratioThreshold()),
            "X|off",
            "label-free warning when a served prompt's new-class text divergence reaches X times"
                + " zero-shot's (from the scorers' prompt-health), or off")
        .define(
            "confidence-lift-threshold",
            Double.toString(ConfidenceLiftRule.DEFAULT_THRESHOLD),
            "X|off",
            "label-free warning when a tuned version's predictions of new classes are X more"
                + " confident than the zero-shot template is of the same classes, or off")
        .define(
            "confidence-lift-min-predictions",
            Long.toString(ConfidenceLiftRule.DEFAULT_MIN_PREDICTIONS),
            "N",
            "predictions of new classes a window needs before its confidence lift counts");
  }

  private static final String DURATION = "DURATION";

  /** At least 1, or -1 for the broker's default. */
  private static int replicationFactor(LayeredConfig config) {
    int factor = config.integer("replication-factor", -1, Short.MAX_VALUE);
    if (factor == 0) {
      throw config.invalid("replication-factor", "must be -1 (the broker's default) or at least 1");
    }
    return factor;
  }

  /**
   * Reads and checks every key.
   *
   * @throws ConfigException naming the first bad key, its allowed range and where it came from
   */
  public static MonitorSettings from(LayeredConfig config) {
    CalmonTopics topics = KafkaSettings.topics(config);
    String applicationId = config.optionalString("application-id");
    if (applicationId == null) {
      applicationId = defaultApplicationId(topics.prefix());
    } else if (!applicationId.matches("[a-zA-Z0-9._-]+")) {
      throw config.invalid("application-id", "may only contain letters, digits, '.', '_' and '-'");
    }
    String stateDir = config.optionalString("state-dir");
    Duration min = Duration.ofMillis(1);
    MonitorConfig monitor =
        construct(
            config,
            () ->
                new MonitorConfig(
                    config.duration("window-size", min),
                    config.duration("window-advance", min),
                    config.duration("label-delay", Duration.ZERO),
                    config.duration("grace", Duration.ZERO),
                    config.integer("bins", 1, 1000),
                    config.integer("fine-bins-per-bin", 1, 1000),
                    config.integer("interval-resamples", 10, 100_000),
                    config.duration("max-future-skew", Duration.ZERO),
                    config.duration("idle-timeout", min),
                    config.duration("provisional-interval", min),
                    rules(config),
                    textRule(config),
                    liftRule(config)));
    return new MonitorSettings(
        KafkaSettings.bootstrapServers(config),
        KafkaSettings.kafka(config),
        applicationId,
        topics,
        stateDir != null ? Path.of(stateDir) : defaultStateDir(applicationId),
        (short) replicationFactor(config),
        config.integer("partitions", 1, 10_000),
        (short) config.integer("topic-replication-factor", 1, Short.MAX_VALUE),
        MetricsSettings.host(config),
        MetricsSettings.port(config),
        KafkaSettings.connectTimeout(config),
        config.duration("start-timeout", Duration.ofSeconds(1)),
        config.duration("commit-interval", Duration.ofMillis(1)),
        monitor);
  }

  /**
   * {@code ~/.calmon/state/<application id>}: outside the temporary directory, which the system may
   * clean while the monitor relies on it (a restart then restores every store from its changelog).
   */
  static Path defaultStateDir(String applicationId) {
    return Path.of(System.getProperty("user.home"), ".calmon", "state", applicationId);
  }

  /** {@code calmon-monitor-all}, or {@code calmon-monitor-<prefix>} for prefixed topics. */
  public static String defaultApplicationId(String prefix) {
    String name = prefix.replaceAll("[-._]+$", "");
    return "calmon-monitor-" + (name.isEmpty() ? "all" : name);
  }

  private static TextDivergenceRule textRule(LayeredConfig config) {
    try {
      return TextDivergenceRule.parse(config.string("text-divergence-ratio"));
    } catch (IllegalArgumentException e) {
      throw config.invalid("text-divergence-ratio", e.getMessage());
    }
  }

  private static EceAlertRule.Reference eceReference(LayeredConfig config) {
    try {
      return EceAlertRule.Reference.parse(config.string("ece-reference"));
    } catch (IllegalArgumentException e) {
      throw config.invalid("ece-reference", e.getMessage());
    }
  }

  private static ConfidenceLiftRule liftRule(LayeredConfig config) {
    long minPredictions = config.integer("confidence-lift-min-predictions", 1, Integer.MAX_VALUE);
    try {
      return ConfidenceLiftRule.parse(config.string("confidence-lift-threshold"), minPredictions);
    } catch (IllegalArgumentException e) {
      throw config.invalid("confidence-lift-threshold", e.getMessage());
    }
  }

  private static Map<ReportGroup, EceAlertRule> rules(LayeredConfig config) {
    EceAlertRule rule =
        construct(
            config,
            () ->
                new EceAlertRule(
                    config.fraction("ece-threshold", 0, 1),
                    config.longValue("min-labelled", 1, Long.MAX_VALUE),
                    config.integer("consecutive-windows", 1, 10_000),
                    config.duration("cooldown", Duration.ZERO),
                    config.bool("require-ci-above-threshold"),
                    eceReference(config)));
    Map<ReportGroup, EceAlertRule> rules = new EnumMap<>(ReportGroup.class);
    String groups = config.string("alert-groups");
    if (groups.trim().equalsIgnoreCase("none")) {
      return rules;
    }
    for (String label : groups.split(",")) {
      ReportGroup group = ReportGroup.fromLabel(label);
      if (group == null) {
        throw config.invalid(
            "alert-groups",
            "must be none or a comma-separated list of true-base, true-new, base, new, all");
      }
      rules.put(group, rule);
    }
    return rules;
  }

  /**
   * Runs a constructor that checks its arguments, turning its {@link IllegalArgumentException}
   * (whose message starts with the field name, e.g. {@code window-advance must not exceed ...} or
   * {@code ece threshold must be ...}) into a {@link ConfigException} naming the key.
   */
  private static <T> T construct(LayeredConfig config, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      for (String key : config.docs().keySet()) {
        String spoken = key.replace('-', ' ');
        for (String name : new String[] {key, spoken}) {
          if (message.startsWith(name + " ")) {
            throw new ConfigException(
                key,
                message.substring(name.length() + 1) + " (from " + config.source(key) + ")",
                e);
          }
        }
      }
      throw new ConfigException("config", message, e);
    }
  }

  private static String format(Duration duration) {
    return Durations.format(duration);
  }
}
