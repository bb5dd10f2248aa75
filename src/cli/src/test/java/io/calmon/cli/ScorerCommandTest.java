package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad flags of {@code calmon scorer} end with exit code 2 and one line naming the flag. */
class ScorerCommandTest {

  private static final String TINY = "../clip/src/test/resources/golden/tiny";

  @Test
  void shouldNameTheBatchSize() {
    assertOneLineError(run("--model", TINY, "--batch-size", "0"), "--batch-size");
  }

  @Test
  void shouldNameTheMaxWait() {
    assertOneLineError(run("--model", TINY, "--max-wait", "soon"), "--max-wait");
  }

  @Test
  void shouldNameATransactionTimeoutOutOfRange() {
    assertOneLineError(
        run("--model", TINY, "--transaction-timeout", "500ms"), "--transaction-timeout");
    assertOneLineError(
        run("--model", TINY, "--transaction-timeout", "soon"), "--transaction-timeout");
  }

  @Test
  void shouldNameAMaxFutureSkewThatIsNoDuration() {
    assertOneLineError(run("--model", TINY, "--max-future-skew", "soon"), "--max-future-skew");
  }

  @Test
  void shouldNameATemplateWithoutAPlaceholder() {
    assertOneLineError(run("--model", TINY, "--template", "a photo"), "--template");
  }

  @Test
  void shouldNameAMetricsPortOutOfRange() {
    assertOneLineError(run("--model", TINY, "--metrics-port", "70000"), "--metrics-port");
  }

  @Test
  void shouldNameAMissingModelDirectory() {
    assertOneLineError(run("--model", "no/such/model"), "--model no/such/model");
  }

  @Test
  void shouldNameTheBootstrapServersWhenNoBrokerAnswers() {
    assertOneLineError(
        run("--model", TINY, "--bootstrap-servers", "127.0.0.1:1", "--timeout", "1"),
        "--bootstrap-servers 127.0.0.1:1");
  }

  @Test
  void shouldParseMaxWaitInMillisecondsOrSeconds() {
    assertEquals(Duration.ofMillis(50), ScorerCommand.duration("--max-wait", "50ms"));
    assertEquals(Duration.ofMillis(50), ScorerCommand.duration("--max-wait", "50"));
    assertEquals(Duration.ofSeconds(2), ScorerCommand.duration("--max-wait", "2s"));
  }

  private static CliRun run(String... flags) {
    String[] args = new String[flags.length + 1];
    args[0] = "scorer";
    System.arraycopy(flags, 0, args, 1, flags.length);
    return CliRun.run(args);
  }

  private static void assertOneLineError(CliRun run, String flag) {
    String err = run.err.toString();
    assertEquals(Calmon.USER_ERROR, run.exitCode, err);
    assertTrue(err.startsWith("calmon: " + flag), err);
    assertEquals(1, err.strip().lines().count(), err);
  }
}
