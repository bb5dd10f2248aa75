package io.calmon.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.cli.Calmon;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A smoke test: the tiny half of {@code calmon bench tuning}, one step per side. */
class TuningBenchCommandTest {

  @Test
  void shouldPrintProgressAndATableRowWithBothRatios() {
    CommandLine cli = Calmon.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code =
        cli.execute(
            "bench",
            "tuning",
            "--tiny-only",
            "--tiny-steps",
            "1",
            "--classes",
            "4",
            "--threads",
            "1");
    assertEquals(0, code, err.toString());
    String text = out.toString();
    assertTrue(text.contains("bench tuning: tiny (width 32, 2 layers) step 1/1"), text);
    assertTrue(
        text.matches("(?s).*\\| tiny \\(width 32, 2 layers\\) \\|( [0-9.]+x? \\|){6}\\R.*"), text);
  }

  @Test
  void shouldRefuseZeroStepsInOneLine() {
    CommandLine cli = Calmon.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    assertEquals(Calmon.USER_ERROR, cli.execute("bench", "tuning", "--steps", "0"));
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
  }
}
