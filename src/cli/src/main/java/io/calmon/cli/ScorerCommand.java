package io.calmon.cli;

import io.calmon.clip.ClipException;
import io.calmon.clip.ClipModel;
import io.calmon.kafka.CalmonTopic;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.TopicAdmin;
import io.calmon.schemas.signing.TrustedKeys;
import io.calmon.scorer.ScorerConfig;
import io.calmon.scorer.ScorerService;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code calmon scorer}: one scorer instance (see {@link ScorerService}). Runs until SIGTERM or
 * Ctrl-C (or, in tests, until its thread is interrupted), then stops gracefully: the batch in
 * flight commits, the clients leave the group, the model is closed.
 */
@Command(
    name = "scorer",
    mixinStandardHelpOptions = true,
    description = {
      "Score image-events with CLIP and the live prompt version; produce predictions exactly once.",
      "Run one per partition of image-events at most, each with its own --instance-id."
    })
final class ScorerCommand implements Callable<Integer> {

  private static final Duration STOP_PATIENCE = Duration.ofSeconds(30);
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s)?");

  @Mixin BootstrapOptions bootstrap;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "CLIP model directory (config.json, model.safetensors, tokenizer.json).")
  Path model;

  @Option(
      names = "--template",
      defaultValue = ScorerConfig.DEFAULT_TEMPLATE,
      description = "Zero-shot template before any prompt version (default: ${DEFAULT-VALUE}).")
  String template;

  @Option(
      names = "--deployment",
      defaultValue = ScorerConfig.DEFAULT_DEPLOYMENT,
      description = "Deployment to serve (default: ${DEFAULT-VALUE}).")
  String deployment;

  @Option(
      names = "--instance-id",
      description =
          "This instance's id, unique per live instance; names its transactional id. Set a stable"
              + " one per replica so that a restart fences its predecessor at once (default: host,"
              + " pid and a random suffix, unique per process).")
  String instanceId;

  @Option(
      names = "--batch-size",
      defaultValue = "16",
      description = "Most images per micro-batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--max-wait",
      defaultValue = "50ms",
      description = "Longest a batch waits to fill, e.g. 50ms or 1s (default: ${DEFAULT-VALUE}).")
  String maxWait;

  @Option(
      names = "--commit-interval",
      defaultValue = "100ms",
      description =
          "One transaction per interval, over every batch scored in it (like Kafka Streams'"
              + " commit.interval.ms; 0 commits every batch); predictions become visible up to"
              + " max wait + this + scoring after an event is read, e.g. 100ms (default:"
              + " ${DEFAULT-VALUE}).")
  String commitInterval;

  @Option(
      names = "--decode-threads",
      defaultValue = "" + ScorerConfig.DEFAULT_DECODE_THREADS,
      description =
          "Threads decoding and preprocessing images ahead of the model (0: on the scoring"
              + " thread) (default: ${DEFAULT-VALUE}).")
  int decodeThreads;

  @Option(
      names = "--top-k",
      defaultValue = "5",
      description = "Classes in each prediction's top-k list (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(
      names = "--full-probabilities-max",
      defaultValue = "64",
      description =
          "Ship every class's probability for class sets up to this size (default:"
              + " ${DEFAULT-VALUE}).")
  int fullProbabilitiesMax;

  @Option(
      names = "--max-pixels",
      defaultValue = "50000000",
      description =
          "Dead-letter images whose header claims more pixels, or more than 4 decoded bytes per"
              + " pixel of this limit (default: ${DEFAULT-VALUE}).")
  long maxPixels;

  @Option(
      names = "--image-roots",
      paramLabel = "DIR[,DIR...]",
      split = ",",
      description =
          "Directories whose regular files file:// claim checks may name (links resolved). Without"
              + " it claim checks are off and dead-lettered as URI_NOT_ALLOWED: an event cannot"
              + " make the scorer read a file the operator did not allow (default: none).")
  List<Path> imageRoots = List.of();

  @Option(
      names = "--max-future-skew",
      defaultValue = "3600s",
      description =
          "Dead-letter events whose event_time is further ahead of this machine's clock, e.g."
              + " 3600s; the broker refuses record timestamps over 1 hour ahead by default"
              + " (default: ${DEFAULT-VALUE}).")
  String maxFutureSkew;

  @Option(
      names = "--metrics-port",
      defaultValue = "0",
      description = "Serve Prometheus metrics at /metrics on this port; 0 = off (default: 0).")
  int metricsPort;

  @Option(
      names = "--metrics-host",
      defaultValue = ScorerConfig.DEFAULT_METRICS_HOST,
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String metricsHost;

  @Option(
      names = "--transaction-timeout",
      defaultValue = "10s",
      description =
          "How long the broker keeps a dead instance's open transaction before aborting it; its"
              + " partitions wait that long for a new owner, e.g. 10s (default: ${DEFAULT-VALUE}).")
  String transactionTimeout;

  @Option(
      names = "--prefix",
      defaultValue = "",
      description = "Topic name prefix, as given to 'calmon topics create' (default: none).")
  String prefix;

  @Option(
      names = "--trusted-keys",
      paramLabel = "FILE_OR_DIR",
      description =
          "Public keys (PEM, with their key ids) of the trainers whose prompt versions may be"
              + " served: a file, or a directory of *.pub files ('calmon keys generate' writes"
              + " them). A version signed by no trusted key is refused and counted.")
  Path trustedKeys;

  @Option(
      names = "--allow-unsigned-prompts",
      description =
          "Serve prompt versions that carry no signature (an explicit opt-out of signature"
              + " checks; signatures that are present are still checked).")
  boolean allowUnsignedPrompts;

  /**
   * The model used without {@code --model}. None yet: switch this line to {@code
   * Optional.of(io.calmon.world.DefaultModel.path())} when the world-pretrained model ships.
   */
  static Optional<Path> defaultModel() {
    return Optional.empty();
  }

  @Override
  public Integer call() throws Exception {
    ScorerConfig config = config();
    Path modelDir = modelDir();
    CalmonTopics topics = config.topics();
    try (TopicAdmin admin = bootstrap.connect()) {
      Set<String> existing = admin.listTopics();
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
                  + bootstrap.bootstrapServers
                  + ": topic "
                  + topic.name()
                  + " does not exist (run 'calmon topics create')");
        }
      }
    }
    CountDownLatch stopRequested = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stopRequested.countDown();
              awaitQuietly(stopped);
            },
            "calmon-scorer-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean interrupted = false;
    ScorerService service = null;
    try (ClipModel clip = load(modelDir)) {
      service = start(new ScorerService(config, clip));
      int port = service.metricsPort();
      System.err.println(
          "calmon: scorer "
              + config.instanceId()
              + " running; metrics "
              + (port < 0 ? "off" : "http://" + config.metricsHost() + ":" + port + "/metrics")
              + (config.kafka().isEmpty() ? "" : "; Kafka client properties " + config.kafka())
              + "; Ctrl-C or SIGTERM stops it");
      while (!stopRequested.await(500, TimeUnit.MILLISECONDS) && service.isRunning()) {
        // Wait for a signal, or for the service to stop on its own (fenced, broker lost).
      }
    } catch (InterruptedException e) {
      interrupted = true; // how tests and embedding programs stop it; restored after the close
    } finally {
      if (service != null) {
        service.close();
        System.err.println("calmon: scorer stopped; " + service.metrics().snapshot());
      }
      stopped.countDown();
      removeHook(hook);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    Throwable failure = service == null ? null : service.failure();
    if (failure != null) {
      // The message in words; the exception with its stack is in the log.
      System.err.println(
          "calmon: scorer "
              + config.instanceId()
              + " stopped on an error: "
              + (failure.getMessage() == null ? "see the log" : failure.getMessage()));
      return 1;
    }
    return 0;
  }

  private ScorerConfig config() {
    ScorerConfig.Builder b =
        ScorerConfig.builder()
            .setBootstrapServers(bootstrap.bootstrapServers)
            .optKafka(bootstrap.kafka())
            .optTopics(TopicsCommand.topicsWithPrefix(prefix));
    check(b, "--deployment", () -> b.optDeployment(deployment));
    if (instanceId != null) {
      check(b, "--instance-id", () -> b.optInstanceId(instanceId));
    }
    check(b, "--template", () -> b.optTemplate(template));
    check(b, "--batch-size", () -> b.optBatchSize(batchSize));
    check(b, "--max-wait", () -> b.optMaxWait(duration("--max-wait", maxWait)));
    check(b, "--decode-threads", () -> b.optDecodeThreads(decodeThreads));
    check(b, "--top-k", () -> b.optTopK(topK));
    check(b, "--full-probabilities-max", () -> b.optFullProbabilitiesMax(fullProbabilitiesMax));
    check(b, "--max-pixels", () -> b.optMaxPixels(maxPixels));
    check(
        b,
        "--image-roots",
        () ->
            b.optImageRoots(imageRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList()));
    check(
        b,
        "--max-future-skew",
        () -> b.optMaxFutureSkew(duration("--max-future-skew", maxFutureSkew)));
    check(b, "--metrics-port", () -> b.optMetricsPort(metricsPort));
    check(b, "--metrics-host", () -> b.optMetricsHost(metricsHost));
    check(
        b,
        "--transaction-timeout",
        () -> b.optTransactionTimeout(duration("--transaction-timeout", transactionTimeout)));
    // After the transaction timeout: the interval must stay below half of it.
    check(
        b,
        "--commit-interval",
        () -> b.optCommitInterval(duration("--commit-interval", commitInterval)));
    return b.optTrustedKeys(trustedKeys()).optAllowUnsignedPrompts(allowUnsignedPrompts).build();
  }

  /**
   * The keys of {@code --trusted-keys}; without them, none, which only {@code
   * --allow-unsigned-prompts} makes a choice rather than a mistake.
   */
  private TrustedKeys trustedKeys() {
    if (trustedKeys == null) {
      if (!allowUnsignedPrompts) {
        throw new UserError(
            "prompt versions must be signed: give --trusted-keys FILE_OR_DIR (the trainers'"
                + " public keys), or --allow-unsigned-prompts to serve unsigned ones");
      }
      return TrustedKeys.none();
    }
    try {
      return TrustedKeys.read(trustedKeys);
    } catch (IllegalArgumentException e) {
      throw new UserError("--trusted-keys " + e.getMessage(), e);
    }
  }

  /** Starts the service; a metrics port that cannot be bound is the user's to fix. */
  private static ScorerService start(ScorerService service) {
    try {
      return service.start();
    } catch (UncheckedIOException e) {
      throw UserError.metricsEndpoint("--metrics-port", e);
    }
  }

  /** Sets one value and builds, so that a refusal names the flag that caused it. */
  private static void check(ScorerConfig.Builder b, String flag, Runnable set) {
    set.run();
    try {
      b.build();
    } catch (IllegalArgumentException e) {
      throw new UserError(flag + ": " + e.getMessage(), e);
    }
  }

  private Path modelDir() {
    Path dir = model != null ? model : defaultModel().orElse(null);
    if (dir == null) {
      throw new UserError("--model is required: no default model ships yet");
    }
    if (!Files.isDirectory(dir)) {
      throw new UserError("--model " + dir + ": no such directory");
    }
    return dir;
  }

  private ClipModel load(Path dir) {
    ClipModel clip;
    try {
      clip = ClipModel.load(dir);
    } catch (ClipException e) {
      throw new UserError("--model " + dir + ": " + e.getMessage(), e);
    }
    if (clip.tokenizer().isEmpty()) {
      clip.close();
      throw new UserError("--model " + dir + ": no tokenizer.json");
    }
    return clip;
  }

  static Duration duration(String flag, String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new UserError(
          flag + " must be a whole number of ms or s, e.g. 50ms or 2s; got " + text);
    }
    long n = Long.parseLong(m.group(1));
    return "s".equals(m.group(2)) ? Duration.ofSeconds(n) : Duration.ofMillis(n);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(STOP_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook is running and will see `stopped`.
    }
  }
}
