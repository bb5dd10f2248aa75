package io.calmon.cli.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.cli.Calmon;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WorldCommandTest {
  @TempDir Path dir;

  @Test
  void shouldExportATaskThroughTheCommandLine() {
    Path out = dir.resolve("task");
    int code =
        Calmon.run(
            "world",
            "export",
            "--out",
            out.toString(),
            "--base",
            "2",
            "--new",
            "2",
            "--shots",
            "1",
            "--test-per-class",
            "1",
            "--size",
            "32",
            "--seed",
            "3");
    assertEquals(0, code);
    assertTrue(Files.exists(out.resolve("split_zhou_World.json")));
    assertTrue(Files.exists(out.resolve("outliers.txt")));
    assertTrue(Files.exists(out.resolve("task.json")));
  }

  @Test
  void shouldWriteAContactSheetAndCaptions() throws Exception {
    Path out = dir.resolve("sample");
    assertEquals(0, Calmon.run("world", "sample", "--out", out.toString(), "--n", "4"));
    assertTrue(Files.size(out.resolve("contact-sheet.png")) > 0);
    assertEquals(4, Files.readAllLines(out.resolve("captions.txt")).size());
  }

  @Test
  void shouldReportAnUnknownStyleAsAUserError() {
    CommandLine cli = Calmon.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute("world", "export", "--out", dir.resolve("x").toString(), "--style", "comic");
    assertEquals(Calmon.USER_ERROR, code);
    assertTrue(err.toString().contains("unknown style 'comic'"), err.toString());
  }
}
