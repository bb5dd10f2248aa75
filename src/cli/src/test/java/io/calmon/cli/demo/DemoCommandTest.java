package io.calmon.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.cli.Calmon;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad demo flags stop before anything starts: exit 2 and one line naming the flag. */
class DemoCommandTest {

  @Test
  void shouldRefuseADurationShorterThanSixWindows() {
    assertUserError("--duration", "demo", "--duration", "30s", "--window", "10s");
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
    assertUserError("--alert-ece", "demo", "--alert-ece", "1.5");
    assertUserError("--alert-ece", "demo", "--alert-ece", "0");
  }

  @Test
  void shouldRefuseZeroAlertWindows() {
    assertUserError("--alert-windows", "demo", "--alert-windows", "0");
  }

  @Test
  void shouldRefuseABootstrapMethodThatIsUnknownOrTunesNothing() {
    assertUserError("--bootstrap-method", "demo", "--bootstrap-method", "cocoop");
    assertUserError("--bootstrap-method", "demo", "--bootstrap-method", "zeroshot");
  }

  @Test
  void shouldRefuseZeroBootstrapEpochs() {
    assertUserError("--bootstrap-epochs", "demo", "--bootstrap-epochs", "0");
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
