package io.calmon.cli.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
  void shouldEvaluateAPretrainedModelOnTheDefaultWorldNotThePretrainingOne() {
    // The bug: pretraining on easy images (--min-size medium --clutter 0 ...) reported zero-shot
    // figures on easy task images, 15 points above what the task really gives.
    io.calmon.world.WorldConfig easy =
        io.calmon.world.WorldConfig.builder()
            .optSizes(io.calmon.world.ObjectSize.MEDIUM, io.calmon.world.ObjectSize.LARGE)
            .optClutterProbability(0)
            .optOccluderProbability(0)
            .optMultiObjectProbability(0)
            .build();
    assertEquals(io.calmon.world.WorldConfig.defaults(), WorldPretrainCommand.taskWorld(easy));
  }

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

  @Test
  void shouldPretrainATinyModelAndReportItsZeroShotFigures() throws Exception {
    Path model = dir.resolve("model");
    CommandLine cli = Calmon.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    int code =
        cli.execute(
            "world",
            "pretrain",
            "--out",
            model.toString(),
            "--size-preset",
            "tiny",
            "--steps",
            "3",
            "--batch",
            "8",
            "--pool",
            "16",
            "--hard-negatives",
            "1",
            "--progress-every",
            "1",
            "--eval-per-class",
            "1");
    assertEquals(0, code, out.toString());
    assertTrue(out.toString().contains("step 3/3"), out.toString());
    assertTrue(out.toString().contains("held-out compositions"), out.toString());
    for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json"}) {
      assertTrue(Files.exists(model.resolve(f)), f);
    }
    assertTrue(Files.readString(model.resolve("pretrain.json")).contains("\"steps\" : 3"));

    CommandLine info = Calmon.commandLine();
    StringWriter infoOut = new StringWriter();
    info.setOut(new PrintWriter(infoOut));
    assertEquals(
        0,
        info.execute("world", "info", "--model", model.toString(), "--test-per-class", "1"),
        infoOut.toString());
    assertTrue(infoOut.toString().contains("base "), infoOut.toString());
    assertTrue(infoOut.toString().contains("parameters:"), infoOut.toString());
  }

  @Test
  void shouldReportAnUnknownSizePresetAsAUserError() {
    CommandLine cli = Calmon.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute(
            "world", "pretrain", "--out", dir.resolve("m").toString(), "--size-preset", "huge");
    assertEquals(Calmon.USER_ERROR, code);
    assertTrue(err.toString().contains("unknown size preset 'huge'"), err.toString());
  }

  @Test
  void shouldNameTheFlagsWhenThePoolIsTooSmallForHardNegativeGroups() {
    CommandLine cli = Calmon.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute(
            "world",
            "pretrain",
            "--out",
            dir.resolve("m").toString(),
            "--size-preset",
            "tiny",
            "--steps",
            "2",
            "--batch",
            "8",
            "--pool",
            "16",
            "--hard-negatives",
            "8");
    assertEquals(Calmon.USER_ERROR, code, out.toString());
    assertTrue(err.toString().contains("--hard-negatives"), err.toString());
    assertTrue(err.toString().contains("--pool"), err.toString());
    assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
  }

  @Test
  void shouldRefuseToLockTheImageTowerWhileContinuingAModel() {
    CommandLine cli = Calmon.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    String model = dir.resolve("any").toString();
    int code =
        cli.execute(
            "world",
            "pretrain",
            "--out",
            dir.resolve("m").toString(),
            "--init",
            model,
            "--lock-image",
            model);
    assertEquals(Calmon.USER_ERROR, code);
    assertTrue(err.toString().contains("--init, --init-text and --lock-image"), err.toString());
    assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
  }

  @Test
  void shouldAskForALockedImageTowerWithAFreshText() {
    CommandLine cli = Calmon.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute("world", "pretrain", "--out", dir.resolve("m").toString(), "--fresh-text");
    assertEquals(Calmon.USER_ERROR, code);
    assertTrue(err.toString().contains("--fresh-text needs --lock-image"), err.toString());
  }

  @Test
  void shouldNameTheTextLayersWhenThereAreNone() {
    CommandLine cli = Calmon.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute(
            "world", "pretrain", "--out", dir.resolve("m").toString(), "--text-layers", "-1");
    assertEquals(Calmon.USER_ERROR, code);
    assertTrue(err.toString().contains("--text-layers must be at least 1"), err.toString());
  }

  @Test
  void shouldNameTheMinSizeFlagWhenItIsUnknown() {
    CommandLine cli = Calmon.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute("world", "sample", "--out", dir.resolve("s").toString(), "--min-size", "huge");
    assertEquals(Calmon.USER_ERROR, code);
    assertTrue(err.toString().contains("--min-size"), err.toString());
  }
}
