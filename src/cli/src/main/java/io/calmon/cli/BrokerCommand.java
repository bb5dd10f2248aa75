package io.calmon.cli;

import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.TopicAdmin;
import io.calmon.kafka.TopicMismatchException;
import io.calmon.service.CalmonService;
import io.calmon.service.ServiceRunner;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
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
    EmbeddedKafkaBroker broker = build();
    // The runner's shutdown hook goes in before the broker starts, so a SIGTERM during start-up
    // still ends with a clean stop; an interrupt (how an embedding program or a test stops it) is
    // restored only after the close, which waits on futures a pending interrupt would cut short.
    Throwable failure =
        ServiceRunner.run(
            new BrokerService(broker, topics),
            Duration.ofMinutes(2),
            service -> System.err.println("calmon: broker running; Ctrl-C or SIGTERM stops it"));
    return ServiceExit.code(spec, "broker", failure);
  }

  /** The embedded broker as a service: started, its topics created, running until closed. */
  private final class BrokerService implements CalmonService {
    private final EmbeddedKafkaBroker broker;
    private final CalmonTopics topics;
    private volatile boolean running;

    BrokerService(EmbeddedKafkaBroker broker, CalmonTopics topics) {
      this.broker = broker;
      this.topics = topics;
    }

    @Override
    public CalmonService start() {
      BrokerCommand.this.start(broker);
      running = true;
      PrintWriter out = spec.commandLine().getOut();
      out.println("bootstrap: " + broker.bootstrapServers());
      out.flush();
      if (!noTopics) {
        createTopics(broker.bootstrapServers(), topics);
      }
      return this;
    }

    @Override
    public boolean awaitReady(Duration timeout) {
      return running;
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public Throwable failure() {
      return null;
    }

    @Override
    public int metricsPort() {
      return -1;
    }

    @Override
    public void close() {
      running = false;
      broker.close();
    }
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
}
