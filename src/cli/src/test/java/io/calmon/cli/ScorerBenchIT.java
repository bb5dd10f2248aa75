package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code calmon bench scorer} runs on its own broker and says what it measured, CPU included. */
class ScorerBenchIT {
  private static final Path TINY =
      Path.of("..", "clip", "src", "test", "resources", "golden", "tiny").toAbsolutePath();

  @Test
  void shouldMeasureTheScorerAgainstTheModelAloneOnItsOwnBroker() {
    CliRun run =
        CliRun.run(
            "bench", "scorer", "--model", TINY.toString(), "--images", "64", "--seconds", "1");
    assertEquals(0, run.exitCode, run.err.toString());
    List<String> lines = run.out.text().lines().toList();
    assertEquals(8, lines.size(), run.out.text());
    assertTrue(lines.get(2).startsWith("model alone (decode, preprocess"), lines.get(2));
    assertTrue(
        lines.get(3).matches("end to end through Kafka .*: \\d+(\\.\\d)? images/s \\(\\d+% of .*"),
        lines.get(3));
    assertTrue(lines.get(6).startsWith("scorer metrics: {"), lines.get(6));
    assertTrue(
        lines
            .get(7)
            .matches(
                "CPU per image: model alone \\d+\\.\\d\\d ms \\(\\d\\.\\d of \\d+ cores busy\\), end"
                    + " to end \\d+\\.\\d\\d ms \\(\\d\\.\\d busy; JIT compilers \\d+\\.\\d\\d s of"
                    + " the pass\\); where the model alone fills the cores, end to end can reach at"
                    + " most \\d+% of it on this machine"),
        lines.get(7));
  }
}
