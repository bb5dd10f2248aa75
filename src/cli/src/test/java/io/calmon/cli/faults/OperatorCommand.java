package io.calmon.cli.faults;

import io.calmon.cli.Calmon;
import io.calmon.service.testing.ScrapedMetrics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One long-running {@code calmon} command (scorer, monitor, trainer) run as an operator runs it, in
 * a thread of this JVM, with its metrics endpoint on a port of its own. Interrupting the thread is
 * how an embedding program stops it (as Ctrl-C does for the process).
 */
final class OperatorCommand implements AutoCloseable {
  private final String name;
  private final int metricsPort;
  private final Thread thread;
  private volatile int exitCode = -1;

  private OperatorCommand(String name, List<String> args) throws IOException {
    this.name = name;
    this.metricsPort = freePort();
    List<String> all = new ArrayList<>(List.of(name));
    all.addAll(args);
    all.addAll(List.of("--metrics-port", Integer.toString(metricsPort)));
    String[] argv = all.toArray(String[]::new);
    this.thread =
        new Thread(() -> exitCode = Calmon.commandLine().execute(argv), "calmon-" + name + "-cmd");
  }

  /** Starts {@code calmon <name> <args> --metrics-port <free port>}. */
  static OperatorCommand start(String name, List<String> args) throws IOException {
    OperatorCommand command = new OperatorCommand(name, args);
    command.thread.start();
    return command;
  }

  /**
   * Waits until its {@code calmon_<name>_running} gauge reads 1.
   *
   * @throws AssertionError naming the command if it exits or does not run within {@code patience}
   */
  OperatorCommand awaitRunning(Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (!isRunning()) {
      if (!thread.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("calmon " + name + " is not running; exit code " + exitCode);
      }
      Thread.sleep(200);
    }
    return this;
  }

  /** The command has not exited and its metrics endpoint says it runs. */
  boolean isRunning() {
    if (!thread.isAlive()) {
      return false;
    }
    return "1".equals(ScrapedMetrics.parse(metrics()).get("calmon_" + name + "_running"));
  }

  /** What its {@code /metrics} endpoint serves now; empty when it cannot be reached. */
  String metrics() {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  String name() {
    return name;
  }

  int exitCode() {
    return exitCode;
  }

  @Override
  public void close() throws InterruptedException {
    thread.interrupt();
    thread.join(Duration.ofSeconds(60).toMillis());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
