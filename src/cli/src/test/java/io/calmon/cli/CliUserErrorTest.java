package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad flags of broker and topics end with exit code 2 and one line naming the flag. */
class CliUserErrorTest {

  @Test
  void shouldNameThePortWhenItIsOutOfRange() {
    assertOneLineError(CliRun.run("broker", "--port", "70000"), "--port");
  }

  @Test
  void shouldNameThePortWhenItIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertOneLineError(
          CliRun.run("broker", "--port", Integer.toString(taken.getLocalPort())),
          "--port " + taken.getLocalPort());
    }
  }

  @Test
  void shouldNameTheDataDirWhenItIsAFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertOneLineError(CliRun.run("broker", "--data-dir", file.toString()), "--data-dir");
  }

  @Test
  void shouldNameTheBootstrapServersWhenNoBrokerAnswers() {
    assertOneLineError(
        CliRun.run(
            "topics", "list", "--bootstrap-servers", "127.0.0.1:1", "--connect-timeout", "1s"),
        "--bootstrap-servers 127.0.0.1:1");
  }

  @Test
  void shouldNameAPrefixKafkaCannotUse() {
    assertOneLineError(CliRun.run("topics", "create", "--prefix", "a b"), "--prefix");
  }

  @Test
  void shouldNameNonPositivePartitions() {
    assertOneLineError(CliRun.run("topics", "create", "--partitions", "0"), "--partitions");
  }

  private static void assertOneLineError(CliRun run, String flag) {
    String err = run.err.toString();
    assertEquals(Calmon.USER_ERROR, run.exitCode, err);
    assertTrue(err.startsWith("calmon: " + flag), err);
    assertEquals(1, err.strip().lines().count(), err);
    assertEquals("", run.out.text());
  }
}
