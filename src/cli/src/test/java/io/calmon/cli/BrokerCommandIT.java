package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.kafka.CalmonTopic;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.TopicAdmin;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code calmon broker} for real: once as a child process stopped by SIGTERM, then again in this
 * JVM on the same data dir, where the topics must still be, and {@code calmon topics} against it.
 */
class BrokerCommandIT {

  /** Long enough for a cold JVM on a busy 2-core build machine; a passing run is much faster. */
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  private static final List<String> CALMON_TOPICS =
      CalmonTopics.standard().all().stream().map(CalmonTopic::name).toList();

  @Test
  void shouldStopOnSigtermAndKeepItsTopicsForTheNextStart(@TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("kafka");

    Process child = startBrokerProcess(dataDir);
    try {
      BufferedReader stdout =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String first = stdout.readLine();
      assertNotNull(first, "broker exited before printing its bootstrap line");
      assertTrue(first.matches("bootstrap: 127\\.0\\.0\\.1:\\d+"), first);
      awaitTopics(first.substring("bootstrap: ".length()));
    } finally {
      child.destroy(); // SIGTERM: the shutdown hook stops the broker
    }
    assertTrue(child.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS), "broker did not stop");
    assertEquals(143, child.exitValue(), "exit status after SIGTERM (128 + 15)");

    CliRun run = new CliRun();
    Thread brokerThread =
        new Thread(
            () ->
                run.exitCode =
                    run.commandLine()
                        .execute("broker", "--data-dir", dataDir.toString(), "--no-topics"),
            "calmon-broker-test");
    brokerThread.start();
    try {
      String first = run.out.nextLine(PATIENCE);
      assertNotNull(first, "no bootstrap line; stderr: " + run.err);
      String bootstrap = first.substring("bootstrap: ".length());
      try (TopicAdmin admin = TopicAdmin.connect(bootstrap, PATIENCE)) {
        assertTrue(admin.listTopics().containsAll(CALMON_TOPICS), admin.listTopics().toString());
      }
      assertTopicsCommands(bootstrap);
    } finally {
      brokerThread.interrupt();
      brokerThread.join(PATIENCE.toMillis());
    }
    assertEquals(0, run.exitCode, run.err.toString());
  }

  /** `topics create` is idempotent and `topics list` shows what it created. */
  private static void assertTopicsCommands(String bootstrap) {
    CliRun created =
        CliRun.run(
            "topics",
            "create",
            "--bootstrap-servers",
            bootstrap,
            "--prefix",
            "p-",
            "--replication-factor",
            "1");
    assertEquals(0, created.exitCode, created.err.toString());
    assertTrue(created.out.text().contains("created p-prompt-versions\n"), created.out.text());

    CliRun again =
        CliRun.run(
            "topics",
            "create",
            "--bootstrap-servers",
            bootstrap,
            "--prefix",
            "p-",
            "--replication-factor",
            "1");
    assertEquals(0, again.exitCode, again.err.toString());
    assertTrue(again.out.text().contains("exists p-prompt-versions\n"), again.out.text());

    CliRun list = CliRun.run("topics", "list", "--bootstrap-servers", bootstrap);
    assertEquals(0, list.exitCode, list.err.toString());
    List<String> listed = list.out.text().lines().toList();
    assertTrue(listed.containsAll(CALMON_TOPICS), listed.toString());
    assertTrue(listed.contains("p-dead-letters"), listed.toString());
  }

  private static void awaitTopics(String bootstrap) throws InterruptedException {
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap, PATIENCE)) {
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (!admin.listTopics().containsAll(CALMON_TOPICS) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(admin.listTopics().containsAll(CALMON_TOPICS), admin.listTopics().toString());
    }
  }

  private static Process startBrokerProcess(Path dataDir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Under failsafe the class path may be one manifest-only jar; the child JVM reads it the same.
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            Calmon.class.getName(),
            "broker",
            "--data-dir",
            dataDir.toString(),
            "--partitions",
            "1");
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().remove("CALMON_BOOTSTRAP_SERVERS");
    return pb.directory(new File(System.getProperty("user.dir"))).start();
  }
}
