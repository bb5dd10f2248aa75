package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmarks refuse bad flags with one line naming the flag, before they start a broker. */
class BenchFlagsTest {

  @Test
  void shouldRefuseAMonitorBacklogSpanThatIsNotWholeWindows() {
    CliRun run = CliRun.run("bench", "monitor", "--events", "10", "--span", "90s");
    assertEquals(2, run.exitCode);
    assertEquals("calmon: --span must be a whole number of minutes, got 90s\n", run.err.toString());
  }

  @Test
  void shouldRefuseAMonitorBacklogSpanThatIsNotADuration() {
    CliRun run = CliRun.run("bench", "monitor", "--events", "10", "--span", "soon");
    assertEquals(2, run.exitCode);
    assertEquals(1, run.err.toString().lines().count(), run.err.toString());
    assertTrue(run.err.toString().startsWith("calmon: --span: "), run.err.toString());
  }
}
