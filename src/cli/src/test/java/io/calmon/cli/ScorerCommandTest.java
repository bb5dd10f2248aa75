package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad flags of {@code calmon scorer} end with exit code 2 and one line naming the flag. */
class ScorerCommandTest {

  private static final String TINY = "../clip/src/test/resources/golden/tiny";

  @Test
  void shouldNameTheBatchSize() {
    assertOneLineError(run("--model", TINY, "--batch-size", "0"), "batch-size:");
  }

  @Test
  void shouldNameTheMaxWait() {
    assertOneLineError(run("--model", TINY, "--max-wait", "soon"), "max-wait:");
  }

  @Test
  void shouldNameATransactionTimeoutOutOfRange() {
    assertOneLineError(
        run("--model", TINY, "--transaction-timeout", "500ms"), "transaction-timeout:");
    assertOneLineError(
        run("--model", TINY, "--transaction-timeout", "soon"), "transaction-timeout:");
  }

  @Test
  void shouldNameAMaxFutureSkewThatIsNoDuration() {
    assertOneLineError(run("--model", TINY, "--max-future-skew", "soon"), "max-future-skew:");
  }

  @Test
  void shouldNameATemplateWithoutAPlaceholder() {
    assertOneLineError(run("--model", TINY, "--template", "a photo"), "template:");
  }

  @Test
  void shouldNameAMetricsPortOutOfRange() {
    assertOneLineError(run("--model", TINY, "--metrics-port", "70000"), "metrics-port:");
  }

  @Test
  void shouldNameAMissingModelDirectory() {
    assertOneLineError(run("--model", "no/such/model"), "--model no/such/model: no such directory");
  }

  @Test
  void shouldRequireAModelAndNeverServeTheShippedOneUnasked() {
    assertOneLineError(run(), "--model is required");
  }

  @Test
  void shouldNameAModelWithoutATokenizer(@TempDir Path dir) throws Exception {
    for (String file : List.of("config.json", "model.safetensors")) {
      Files.copy(Path.of(TINY, file), dir.resolve(file));
    }
    assertOneLineError(run("--model", dir.toString()), "--model " + dir + ": no tokenizer.json");
  }

  @Test
  void shouldNameTheBootstrapServersWhenNoBrokerAnswers() {
    assertOneLineError(
        run("--model", TINY, "--bootstrap-servers", "127.0.0.1:1", "--connect-timeout", "1s"),
        "--bootstrap-servers 127.0.0.1:1");
  }

  @Test
  void shouldStopWithoutTrustedKeysUnlessUnsignedPromptsAreAllowed() {
    CliRun run = CliRun.run("scorer", "--model", TINY);
    assertOneLineError(
        run,
        "trusted-keys: prompt versions must be signed: give --trusted-keys FILE_OR_DIR (the trainers' public"
            + " keys), or --allow-unsigned-prompts to serve unsigned ones");
  }

  @Test
  void shouldNameTrustedKeysThatCannotBeRead(@TempDir Path dir) throws Exception {
    assertOneLineError(
        run("--model", TINY, "--trusted-keys", "no/such/keys"),
        "trusted-keys: no/such/keys: no such file or directory");
    Path notAKey = Files.writeString(dir.resolve("scorer.pub"), "not a key\n");
    assertOneLineError(
        run("--model", TINY, "--trusted-keys", notAKey.toString()),
        "trusted-keys: " + notAKey + ": no PEM block BEGIN PUBLIC KEY");
  }

  /**
   * {@code calmon scorer} with these flags, and {@code --allow-unsigned-prompts} unless they name
   * trusted keys, so that only the flag under test is wrong.
   */
  private static CliRun run(String... flags) {
    List<String> args = new ArrayList<>(List.of("scorer"));
    args.addAll(List.of(flags));
    if (!args.contains("--trusted-keys")) {
      args.add("--allow-unsigned-prompts");
    }
    return CliRun.run(args.toArray(String[]::new));
  }

  private static void assertOneLineError(CliRun run, String flag) {
    String err = run.err.toString();
    assertEquals(Calmon.USER_ERROR, run.exitCode, err);
    assertTrue(err.startsWith("calmon: " + flag), err);
    assertEquals(1, err.strip().lines().count(), err);
  }
}
