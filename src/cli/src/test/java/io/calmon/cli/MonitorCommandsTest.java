package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The new commands' user errors, which are all found before any broker is contacted. */
class MonitorCommandsTest {

  @TempDir Path dir;

  /**
   * An address where no broker listens: a test that reaches Kafka would fail with another error.
   */
  private static final String NOWHERE = "127.0.0.1:1";

  private static List<String> lines(CliRun run) {
    return run.err.toString().lines().toList();
  }

  @Test
  void shouldRefuseALabelsCsvWithABadLineNamingTheLine() throws IOException {
    Path csv = dir.resolve("labels.csv");
    Files.writeString(csv, "event_id,label\ne1,cat\ne2\ne3,dog\n");
    CliRun run =
        CliRun.run("produce", "labels", "--bootstrap-servers", NOWHERE, "--csv", csv.toString());
    assertEquals(2, run.exitCode);
    assertEquals(
        List.of("calmon: " + csv + " line 3: expected 2 fields (event_id,label), got 1"),
        lines(run));
    assertEquals("", run.out.text());
  }

  @Test
  void shouldRefuseALabelsCsvWithoutItsHeader() throws IOException {
    Path csv = dir.resolve("labels.csv");
    Files.writeString(csv, "id,class\ne1,cat\n");
    CliRun run =
        CliRun.run("produce", "labels", "--bootstrap-servers", NOWHERE, "--csv", csv.toString());
    assertEquals(2, run.exitCode);
    assertEquals(
        List.of("calmon: " + csv + " line 1: expected the header 'event_id,label'"), lines(run));
  }

  @Test
  void shouldStopTheMonitorOnABadFlagWithOneLineNamingTheKey() {
    CliRun run = CliRun.run("monitor", "--bootstrap-servers", NOWHERE, "--bins", "0");
    assertEquals(2, run.exitCode);
    assertEquals(
        List.of("calmon: bins: must be an integer in [1, 1000], got '0' (from --bins)"),
        lines(run));
  }

  @Test
  void shouldNameTheKeyOfACrossFieldRuleFromTheConfigFile() throws IOException {
    Path file = dir.resolve("monitor.properties");
    Files.writeString(file, "window-size=10m\nwindow-advance=1h\n");
    CliRun run = CliRun.run("monitor", "--bootstrap-servers", NOWHERE, "--config", file.toString());
    assertEquals(2, run.exitCode);
    List<String> err = lines(run);
    assertEquals(1, err.size(), err.toString());
    assertTrue(
        err.get(0).startsWith("calmon: window-advance: must not exceed window-size"), err.get(0));
    assertTrue(err.get(0).endsWith("(from file " + file + ")"), err.get(0));
  }

  @Test
  void shouldTakeTheFlagOverTheConfigFile() throws IOException {
    Path file = dir.resolve("monitor.properties");
    Files.writeString(file, "ece-threshold=0.5\nbins=20\n");
    MonitorCommand command = new MonitorCommand();
    new picocli.CommandLine(command).parseArgs("--config", file.toString(), "--bins", "12");
    var settings = command.settings();
    assertEquals(12, settings.monitor().bins());
    assertEquals(0.5, settings.monitor().rules().values().iterator().next().eceThreshold(), 0.0);
  }

  @Test
  void shouldRefuseAnEmptyOrRepeatedClassName() {
    CliRun empty = CliRun.run("classes", "set", "--bootstrap-servers", NOWHERE, "cat,,dog");
    assertEquals(2, empty.exitCode);
    assertEquals(List.of("calmon: CLASSES: empty class name in 'cat,,dog'"), lines(empty));
    CliRun twice = CliRun.run("classes", "set", "--bootstrap-servers", NOWHERE, "cat,dog,cat");
    assertEquals(2, twice.exitCode);
    assertEquals(List.of("calmon: CLASSES: class 'cat' is listed twice"), lines(twice));
  }

  @Test
  void shouldRefuseABadReportsTimeout() {
    CliRun run = CliRun.run("reports", "--bootstrap-servers", NOWHERE, "--timeout", "soon");
    assertEquals(2, run.exitCode);
    assertTrue(
        lines(run).get(0).startsWith("calmon: --timeout: must be a positive"), run.err.toString());
  }
}
