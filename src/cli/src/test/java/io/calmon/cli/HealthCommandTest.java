package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.service.MetricsRegistry;
import io.calmon.service.MetricsServer;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code calmon health} against a real metrics endpoint: exit 0 healthy, 1 not or unreachable. */
class HealthCommandTest {

  @Test
  void shouldExitZeroWhileHealthyAndOneWithTheProblemOtherwise() {
    AtomicReference<Optional<String>> problem = new AtomicReference<>(Optional.empty());
    try (MetricsServer server =
        MetricsServer.start("127.0.0.1", 0, new MetricsRegistry(), problem::get)) {
      String port = Integer.toString(server.port());
      CliRun healthy = CliRun.run("health", "--port", port);
      assertEquals(0, healthy.exitCode, healthy.err.toString());
      assertTrue(healthy.out.text().contains("/health: ok"), healthy.out.text());

      problem.set(Optional.of("monitor error"));
      CliRun sick = CliRun.run("health", "--port", port);
      assertEquals(1, sick.exitCode);
      assertTrue(sick.out.text().contains("/health: monitor error"), sick.out.text());
    }
  }

  @Test
  void shouldExitOneWhenNothingAnswers() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    CliRun run = CliRun.run("health", "--port", Integer.toString(port), "--timeout", "2s");
    assertEquals(1, run.exitCode);
    assertEquals(
        "calmon: no answer from http://127.0.0.1:" + port + "/health\n", run.err.toString());
  }

  @Test
  void shouldRefuseAPortOutOfRangeWithExitTwo() {
    CliRun run = CliRun.run("health", "--port", "70000");
    assertEquals(2, run.exitCode);
    assertTrue(run.err.toString().contains("--port"), run.err.toString());
  }
}
