package io.calmon.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.cli.Calmon;
import io.calmon.monitor.alerting.ConfidenceLiftRule;
import io.calmon.monitor.alerting.EceAlertRule;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad demo flags stop before anything starts: exit 2 and one line naming the flag. */
class DemoCommandTest {

  @Test
  void shouldRefuseADurationShorterThanSixWindows() {
    assertUserError("--duration", "demo", "--duration", "30s", "--window-size", "10s");
  }

  @Test
  void shouldRefuseAnUnknownScenario() {
    assertUserError("--scenario", "demo", "--scenario", "earthquake");
    assertUserError("--scenario", "demo", "--drift", "earthquake");
  }

  @Test
  void shouldRefuseAMissingModelDirectory() {
    assertUserError("--model", "demo", "--model", "/no/such/model");
  }

  @Test
  void shouldRefuseAnUnparsableDuration() {
    assertUserError("--duration", "demo", "--duration", "soon");
  }

  @Test
  void shouldRefuseAnAlertThresholdOutsideZeroToOne() {
    assertUserError("--ece-threshold", "demo", "--ece-threshold", "1.5");
    assertUserError("--ece-threshold", "demo", "--ece-threshold", "0");
  }

  @Test
  void shouldRefuseZeroAlertWindows() {
    assertUserError("--consecutive-windows", "demo", "--consecutive-windows", "0");
  }

  @Test
  void shouldRefuseAInitialMethodThatIsUnknownOrTunesNothing() {
    assertUserError("--initial-method", "demo", "--initial-method", "cocoop");
    assertUserError("--initial-method", "demo", "--initial-method", "zeroshot");
  }

  @Test
  void shouldRefuseZeroInitialEpochs() {
    assertUserError("--initial-epochs", "demo", "--initial-epochs", "0");
  }

  @Test
  void shouldRefuseABadBandOrTextDivergenceRatio() {
    assertUserError("--band", "demo", "--band", "90-60");
    assertUserError("--band", "demo", "--band", "60-90,60-75,1-2");
    assertUserError("--text-divergence-ratio", "demo", "--text-divergence-ratio", "0");
    assertUserError("--text-divergence-ratio", "demo", "--text-divergence-ratio", "never");
    assertUserError("--confidence-lift-threshold", "demo", "--confidence-lift-threshold", "1");
    assertUserError("--ece-reference", "demo", "--ece-reference", "baseline");
  }

  @Test
  void shouldMeasureTheOpenVocabularyAlertsFromZeroShotAndTheDriftAlertsFromNothing() {
    assertEquals(EceAlertRule.Reference.ZERO_SHOT, loop().eceReference());
    assertEquals(EceAlertRule.Reference.NONE, loop("--scenario", "noise").eceReference());
    assertEquals(EceAlertRule.Reference.NONE, loop("--ece-reference", "none").eceReference());
    assertEquals(ConfidenceLiftRule.DEFAULT_THRESHOLD, loop().liftThreshold());
    assertEquals(
        Double.POSITIVE_INFINITY, loop("--confidence-lift-threshold", "off").liftThreshold());
  }

  private static DemoSettings.Loop loop(String... args) {
    DemoCommand command = new DemoCommand();
    new CommandLine(command).parseArgs(args);
    return command.settings().loop();
  }

  private static void assertUserError(String flag, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Calmon.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    assertEquals(Calmon.USER_ERROR, code, err.toString());
    String message = err.toString().strip();
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.contains(flag), message);
    assertEquals("", out.toString());
  }
}
