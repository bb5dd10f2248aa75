package io.calmon.cli.bench;

import io.calmon.cli.UserError;
import io.calmon.scorer.ScorerConfig;
import io.calmon.service.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calmon bench scorer}: scorer throughput through Kafka against the model alone. */
@Command(
    name = "scorer",
    mixinStandardHelpOptions = true,
    description =
        "Images/s end to end through an embedded Kafka broker (one exactly-once scorer) against"
            + " the model alone in the same run; p50/p99 latency from event time to a committed"
            + " prediction at a fraction of that throughput.")
final class ScorerBenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      defaultValue = "src/clip/src/test/resources/golden/tiny",
      description = "Model directory (default: the tiny golden CLIP, ${DEFAULT-VALUE}).")
  Path model;

  @Option(
      names = "--images",
      defaultValue = "2000",
      description = "Images per throughput measurement (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(
      names = "--batch-size",
      defaultValue = "16",
      description = "Scorer micro-batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--load",
      defaultValue = "0.5",
      description =
          "Offered rate of the latency run, as a fraction of the measured end-to-end"
              + " throughput (default: ${DEFAULT-VALUE}).")
  double load;

  @Option(
      names = "--seconds",
      defaultValue = "10",
      description = "Length of the latency run (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--max-wait",
      defaultValue = "50ms",
      description = "Scorer --max-wait, e.g. 50ms (default: ${DEFAULT-VALUE}).")
  String maxWait;

  @Option(
      names = "--commit-interval",
      defaultValue = "100ms",
      description =
          "Scorer --commit-interval, e.g. 100ms; 0 commits every batch (default:"
              + " ${DEFAULT-VALUE}).")
  String commitInterval;

  @Option(
      names = "--decode-threads",
      defaultValue = "" + ScorerConfig.DEFAULT_DECODE_THREADS,
      description = "Scorer --decode-threads (default: ${DEFAULT-VALUE}).")
  int decodeThreads;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(model)) {
      throw new UserError("--model " + model + ": no such directory");
    }
    if (images < 1) {
      throw new UserError("--images must be at least 1, got " + images);
    }
    if (batchSize < 1) {
      throw new UserError("--batch-size must be at least 1, got " + batchSize);
    }
    if (!(load > 0 && load <= 1)) {
      throw new UserError("--load must be in (0, 1], got " + load);
    }
    if (seconds < 1) {
      throw new UserError("--seconds must be at least 1, got " + seconds);
    }
    Duration wait;
    Duration interval;
    try {
      wait = Durations.parse(maxWait);
      interval = Durations.parse(commitInterval);
      ScorerConfig.builder()
          .setBootstrapServers("unused:9092")
          .optBatchSize(batchSize)
          .optMaxWait(wait)
          .optCommitInterval(interval)
          .optDecodeThreads(decodeThreads)
          .build();
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    new ScorerBenchmark(
            spec.commandLine().getOut(),
            model,
            images,
            batchSize,
            load,
            Duration.ofSeconds(seconds),
            wait,
            interval,
            decodeThreads)
        .run();
    return 0;
  }
}
