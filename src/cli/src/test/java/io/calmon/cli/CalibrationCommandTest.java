package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code calmon calibration} through the real command line, with captured out and err. */
class CalibrationCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Calmon.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private Path write(String content) throws IOException {
    Path file = dir.resolve("rows.csv");
    Files.writeString(file, content);
    return file;
  }

  private static List<String> keys(JsonNode node) {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @Test
  void shouldPrintJsonForProbabilityRows() throws IOException {
    // Same rows as the core's hand-computed case: ECE with 2 bins = 1/30, Brier 0.98 / 3.
    Path file = write("label,p0,p1\n0,0.8,0.2\n1,0.6,0.4\n1,0.3,0.7\n");
    int code = run("calibration", "--input", file.toString(), "--bins", "2", "--format", "json");
    assertEquals(0, code, err.toString());
    assertEquals("", err.toString());
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertEquals(
        List.of(
            "n",
            "accuracy",
            "ece",
            "ace",
            "mce",
            "mce_weighted",
            "bins",
            "ece_ci",
            "classwise_ece",
            "brier",
            "nll"),
        keys(json));
    assertEquals(3, json.get("n").asLong());
    assertEquals(1.0 / 30.0, json.get("ece").asDouble(), 1e-15);
    assertEquals(0.98 / 3.0, json.get("brier").asDouble(), 1e-15);
    assertEquals(2, json.get("bins").size());
    JsonNode empty = json.get("bins").get(0);
    assertEquals(List.of("lower", "upper", "count", "confidence", "accuracy"), keys(empty));
    assertEquals(0, empty.get("count").asLong());
    assertEquals(0.5, empty.get("upper").asDouble());
    assertEquals(2, json.get("ece_ci").size());
  }

  @Test
  void shouldPrintJsonWithoutVectorMetricsForTopLabelRows() throws IOException {
    Path file = write("confidence,correct\n0.9,1\n0.6,0\n");
    assertEquals(0, run("calibration", "--input", file.toString(), "--format", "JSON"));
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertEquals(
        List.of("n", "accuracy", "ece", "ace", "mce", "mce_weighted", "bins", "ece_ci"),
        keys(json));
    assertEquals(15, json.get("bins").size());
    // Full precision: 0.9 and 0.6 alone in their bins, ECE = (0.1 + 0.6) / 2 = 0.35.
    assertEquals(0.35, json.get("ece").asDouble(), 1e-15);
  }

  @Test
  void shouldPrintATableByDefault() throws IOException {
    Path file = write("confidence,correct\n0.9,1\n0.6,0\n");
    assertEquals(0, run("calibration", "--input", file.toString()));
    assertTrue(out.toString().contains("ECE"), out.toString());
    assertTrue(out.toString().contains("(0.8667, 0.9333]"), out.toString());
  }

  @Test
  void shouldReportABadRowOnOneLineWithExitCodeTwo() throws IOException {
    Path file = write("label,p0,p1\n0,0.5,0.5\n1,0.5,oops\n");
    assertEquals(
        Calmon.USER_ERROR, run("calibration", "--input", file.toString(), "--format", "json"));
    assertEquals("", out.toString());
    assertEquals(
        "calmon: " + file + ":3: column 'p1': not a number: 'oops'\n",
        err.toString().replace("\r\n", "\n"));
  }

  @Test
  void shouldRejectFewerThanOneBin() throws IOException {
    Path file = write("confidence,correct\n0.9,1\n");
    assertEquals(Calmon.USER_ERROR, run("calibration", "--input", file.toString(), "--bins", "0"));
    assertEquals("", out.toString());
    assertEquals("calmon: --bins must be between 1 and 100000, got 0", err.toString().strip());
  }

  @Test
  void shouldRejectAMissingFile() {
    String missing = dir.resolve("missing.csv").toString();
    assertEquals(Calmon.USER_ERROR, run("calibration", "--input", missing));
    assertEquals("", out.toString());
    String message = err.toString().strip();
    assertEquals("calmon: " + missing + ": no such file", message);
    assertFalse(message.contains("Exception"));
  }

  @Test
  void shouldRunOnTheShippedExamples() {
    for (String example : List.of("probabilities.csv", "top-label.csv")) {
      Path file = Path.of("../../examples/calibration", example);
      assertEquals(
          0, run("calibration", "--input", file.toString(), "--format", "json"), err.toString());
    }
  }
}
