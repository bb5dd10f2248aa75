package io.calmon.cli;

import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.TopicAdmin;
import io.calmon.kafka.TopicMismatchException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code calmon broker}: a single-node Kafka broker in this process, with calmon's topics. Prints
 * {@code bootstrap: HOST:PORT} on stdout once clients can connect; logs go to stderr. Runs until
 * SIGTERM or Ctrl-C (or, in tests, until its thread is interrupted), then stops the broker cleanly
 * so the data dir can be reused.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Run a single-node Kafka broker (KRaft) on 127.0.0.1 and create calmon's topics.",
      "Prints 'bootstrap: HOST:PORT' on stdout when ready; stop it with Ctrl-C or SIGTERM."
    })
final class BrokerCommand implements Callable<Integer> {

  /** How long a shutdown hook waits for the broker to stop before the JVM exits anyway. */
  private static final Duration STOP_PATIENCE = Duration.ofSeconds(30);

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Keep the broker's data here (created if missing; topics and records survive a"
              + " restart). Default: a temporary dir, deleted on exit.")
  Path dataDir;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "Client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--no-topics",
      description = "Do not create calmon's topics (they are created by default; idempotent).")
  boolean noTopics;

  @Option(
      names = "--partitions",
      defaultValue = "3",
      description = "Partitions of each new calmon topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--prefix",
      defaultValue = "",
      description = "Put this in front of every calmon topic name (default: none).")
  String prefix;

  @Override
  public Integer call() {
    CalmonTopics topics = TopicsCommand.topicsWithPrefix(prefix);
    if (partitions < 1) {
      throw new UserError("--partitions must be at least 1, got " + partitions);
    }
    // The hook goes in before the broker starts, so a SIGTERM during start-up still ends with a
    // clean stop rather than a JVM exit under a half-started broker.
    CountDownLatch stopRequested = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stopRequested.countDown();
              awaitQuietly(stopped, STOP_PATIENCE);
            },
            "calmon-broker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    EmbeddedKafkaBroker broker = null;
    boolean interrupted = false;
    try {
      broker = start(build());
      PrintWriter out = spec.commandLine().getOut();
      out.println("bootstrap: " + broker.bootstrapServers());
      out.flush();
      if (!noTopics) {
        createTopics(broker.bootstrapServers(), topics);
      }
      System.err.println("calmon: broker running; Ctrl-C or SIGTERM stops it");
      stopRequested.await();
    } catch (InterruptedException e) {
      // Interrupting the command's thread is how an embedding program (or a test) stops it. The
      // flag is restored only after close(): the broker's controlled shutdown waits on futures
      // and would be cut short by a pending interrupt.
      interrupted = true;
    } finally {
      if (broker != null) {
        broker.close();
      }
      stopped.countDown();
      removeHook(hook);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return 0;
  }

  private EmbeddedKafkaBroker build() {
    if (port < 0 || port > 65535) {
      throw new UserError("--port must be in 0..65535 (0 = any free port), got " + port);
    }
    EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().optPort(port);
    if (dataDir != null) {
      builder.optDataDir(dataDir);
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new UserError("--data-dir: " + e.getMessage(), e);
    }
  }

  private EmbeddedKafkaBroker start(EmbeddedKafkaBroker broker) {
    try {
      return broker.start();
    } catch (RuntimeException e) {
      if (port != 0 && causedByBindFailure(e)) {
        throw new UserError("--port " + port + ": the port is in use on 127.0.0.1", e);
      }
      String message = String.valueOf(e.getMessage());
      if (dataDir != null && message.contains("data dir")) {
        throw new UserError("--data-dir " + dataDir + ": " + message, e);
      }
      throw e;
    }
  }

  private void createTopics(String bootstrapServers, CalmonTopics topics) {
    try (TopicAdmin admin = TopicAdmin.connect(bootstrapServers, TopicAdmin.DEFAULT_TIMEOUT)) {
      TopicAdmin.CreateResult result = admin.createAll(topics, partitions, (short) 1);
      System.err.println(
          "calmon: topics ready (created "
              + result.created().size()
              + ", already there "
              + result.existing().size()
              + ")");
    } catch (TopicMismatchException e) {
      // Only possible on a reused --data-dir whose topics were changed by hand.
      throw new UserError("--data-dir " + dataDir + ": " + e.getMessage(), e);
    }
  }

  private static boolean causedByBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  private static void awaitQuietly(CountDownLatch latch, Duration patience) {
    try {
      latch.await(patience.toMillis(), TimeUnit.MILLISECONDS);
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
