package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerCommandTest {

  @TempDir Path dir;

  private void assertUserError(String flag, String... args) {
    CliRun run = CliRun.run(args);
    assertEquals(Calmon.USER_ERROR, run.exitCode, run.err.toString());
    String[] lines = run.err.toString().strip().split("\n");
    assertEquals(1, lines.length, run.err.toString());
    assertTrue(lines[0].contains(flag), lines[0]);
  }

  @Test
  void shouldNameABadCooldown() {
    assertUserError("--cooldown", "trainer", "--model", dir.toString(), "--cooldown", "soon");
  }

  @Test
  void shouldNameABadEvidenceWait() {
    assertUserError(
        "--evidence-wait", "trainer", "--model", dir.toString(), "--evidence-wait", "a while");
  }

  @Test
  void shouldNameABadOptimizer() {
    assertUserError("--optimizer", "trainer", "--model", dir.toString(), "--optimizer", "rmsprop");
  }

  @Test
  void shouldNameABadMethod() {
    assertUserError("--method", "trainer", "--model", dir.toString(), "--method", "cocoop");
  }

  @Test
  void shouldNameABadInitialMethodAndOneThatTunesNothing() {
    assertUserError(
        "--initial-method", "trainer", "--model", dir.toString(), "--initial-method", "cocoop");
    assertUserError(
        "must tune a context",
        "trainer",
        "--model",
        dir.toString(),
        "--initial-method",
        "zeroshot");
  }

  @Test
  void shouldNameAMetricsPortOutOfRange() {
    assertUserError(
        "--metrics-port", "trainer", "--model", dir.toString(), "--metrics-port", "70000");
  }

  @Test
  void shouldNameABadMetricsPortInTheConfigFile() throws Exception {
    Path config = dir.resolve("trainer.properties");
    Files.writeString(config, "metrics-port=-1\n");
    assertUserError(
        "metrics-port", "trainer", "--model", dir.toString(), "--config", config.toString());
  }

  @Test
  void shouldNameAMissingModelDirectory() {
    assertUserError("--model", "trainer", "--model", dir.resolve("none").toString());
  }

  @Test
  void shouldNameABadValueInTheConfigFile() throws Exception {
    Path config = dir.resolve("trainer.properties");
    Files.writeString(config, "epochs=many\n");
    assertUserError("epochs", "trainer", "--model", dir.toString(), "--config", config.toString());
  }

  @Test
  void shouldRefuseMinShotsAboveShots() {
    assertUserError(
        "min shots", "trainer", "--model", dir.toString(), "--shots", "2", "--min-shots", "4");
  }

  @Test
  void shouldRefuseANegativeMinimumOfJudgedExamples() {
    assertUserError("min-judged", "trainer", "--model", dir.toString(), "--min-judged", "-1");
  }

  @Test
  void shouldNameASigningKeyThatIsNoPrivateKeyGivenByFlagOrConfigFile() throws Exception {
    CliRun keys = CliRun.run("keys", "generate", "--out", dir.toString(), "--key-id", "t");
    assertEquals(0, keys.exitCode, keys.err.toString());
    String publicKey = dir.resolve("t.pub").toString();
    assertUserError(
        "signing-key: " + publicKey + ": no PEM block BEGIN PRIVATE KEY",
        "trainer",
        "--model",
        dir.toString(),
        "--signing-key",
        publicKey);
    Path config = dir.resolve("trainer.properties");
    Files.writeString(config, "signing-key=" + dir.resolve("missing.key") + "\n");
    assertUserError(
        "signing-key: " + dir.resolve("missing.key") + ": cannot read it",
        "trainer",
        "--model",
        dir.toString(),
        "--config",
        config.toString());
  }

  @Test
  void shouldRequireAModelDirectoryThatHoldsAModel() {
    assertUserError("--model is required", "trainer");
    assertUserError("--model " + dir + ": ", "trainer", "--model", dir.toString());
  }

  @Test
  void shouldRefuseAnUnknownKeyInTheConfigFile() throws Exception {
    Path config = dir.resolve("typo.properties");
    Files.writeString(config, "epochs=5\nmin-shot=3\n");
    assertUserError(
        "min-shot: unknown key",
        "trainer",
        "--model",
        dir.toString(),
        "--config",
        config.toString());
  }

  @Test
  void shouldTakeTheBootstrapServersFromTheConfigFileWhenNoFlagGivesThem() throws Exception {
    Path config = dir.resolve("servers.properties");
    Files.writeString(config, "bootstrap-servers=127.0.0.1:1\n");
    // Nothing listens there: the one line names the servers the file gave.
    assertUserError(
        "127.0.0.1:1",
        "trainer",
        "--model",
        "../clip/src/test/resources/golden/tiny",
        "--config",
        config.toString(),
        "--connect-timeout",
        "1s");
  }
}
