package io.calmon.scorer;

import io.calmon.clip.ClipModel;
import io.calmon.kafka.CalmonTopics;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A scorer in a JVM of its own, for tests that kill it with SIGKILL. Arguments: bootstrap servers,
 * topic prefix, deployment, instance id, model directory. Prints {@code RUNNING} once it has
 * started, then scores until the process dies.
 */
public final class ScorerProcess {
  private ScorerProcess() {}

  public static void main(String[] args) throws InterruptedException {
    ScorerConfig config =
        ScorerConfig.builder()
            .setBootstrapServers(args[0])
            .optTopics(CalmonTopics.withPrefix(args[1]))
            .optDeployment(args[2])
            .optInstanceId(args[3])
            .optBatchSize(4)
            .optMaxWait(Duration.ofMillis(20))
            .optMaxPixels(48 * 48)
            .build();
    ClipModel clip = ClipModel.load(Path.of(args[4]));
    ScorerService scorer = new ScorerService(config, clip);
    scorer.start();
    System.out.println("RUNNING");
    System.out.flush();
    Thread.currentThread().join();
  }
}
