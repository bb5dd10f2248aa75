package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDateTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLogTest {
  private static final LocalDateTime NOW = LocalDateTime.of(2026, 12, 7, 1, 2, 3);

  @TempDir Path dir;

  @AfterEach
  void clear() {
    System.clearProperty(RunLog.LOG_FILE_PROPERTY);
  }

  @Test
  void shouldSendTheLogOfTheDemoAndTheBenchmarksToAFile() {
    Path file = RunLog.divert(new String[] {"bench", "monitor", "--events", "9"}, dir, NOW);
    assertEquals(dir.resolve("bench-monitor-20261207-010203.log"), file);
    assertEquals(file.toString(), System.getProperty(RunLog.LOG_FILE_PROPERTY));
  }

  @Test
  void shouldLeaveServicesHelpAndAnExplicitLogFileAlone() {
    assertNull(RunLog.divert(new String[] {"monitor", "--bootstrap-servers", "x"}, dir, NOW));
    assertNull(RunLog.divert(new String[] {"demo", "--help"}, dir, NOW));
    assertNull(RunLog.divert(new String[0], dir, NOW));
    System.setProperty(RunLog.LOG_FILE_PROPERTY, "mine.log");
    assertNull(RunLog.divert(new String[] {"demo"}, dir, NOW));
    assertEquals("mine.log", System.getProperty(RunLog.LOG_FILE_PROPERTY));
  }

  @Test
  void shouldNameTheLogByTheCommandNotByItsFlags() {
    Path file =
        RunLog.divert(new String[] {"demo", "--summary-json", "s.json", "--seed", "3"}, dir, NOW);
    assertTrue(file.getFileName().toString().startsWith("demo-2"), file.toString());
  }
}
