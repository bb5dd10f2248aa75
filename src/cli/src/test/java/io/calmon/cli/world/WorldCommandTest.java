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
            "3",
            "--band",
            "none");
    assertEquals(0, code);
    assertTrue(Files.exists(out.resolve("split_zhou_World.json")));
    assertTrue(Files.exists(out.resolve("outliers.txt")));
    assertTrue(Files.exists(out.resolve("task.json")));
  }

  @Test
  void shouldDrawTheTaskOfASeedInTheZeroShotBandAndSaySo() throws Exception {
    CommandLine cli = Calmon.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    Path task = dir.resolve("banded");
    int code =
        cli.execute(
            "world", "export", "--out", task.toString(), "--shots", "1", "--test-per-class", "1");
    assertEquals(0, code, out.toString());
    // Task 1 lies in the default band on the shipped model: drawn as it is.
    assertTrue(out.toString().contains("task seed 1: drawn as it is"), out.toString());
    assertTrue(Files.readString(task.resolve("task.json")).contains("\"seed\" : 1,"));
    assertTrue(
        userError("world", "export", "--out", dir.resolve("y").toString(), "--band", "75-60")
            .contains("--band"));
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
    String err =
        userError("world", "export", "--out", dir.resolve("x").toString(), "--style", "comic");
    assertTrue(err.contains("unknown style 'comic'"), err);
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
    String err =
        userError(
            "world", "pretrain", "--out", dir.resolve("m").toString(), "--size-preset", "huge");
    assertTrue(err.contains("unknown size preset 'huge'"), err);
  }

  @Test
  void shouldNameTheFlagsWhenThePoolIsTooSmallForHardNegativeGroups() {
    String err =
        userError(
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
    assertTrue(err.contains("--hard-negatives"), err);
    assertTrue(err.contains("--pool"), err);
    assertFalse(err.contains("\tat "), "no stack trace: " + err);
  }

  @Test
  void shouldRefuseToLockTheImageTowerWhileContinuingAModel() {
    String model = dir.resolve("any").toString();
    String err =
        userError(
            "world",
            "pretrain",
            "--out",
            dir.resolve("m").toString(),
            "--init",
            model,
            "--lock-image",
            model);
    assertTrue(err.contains("--init, --init-text and --lock-image"), err);
    assertFalse(err.contains("\tat "), "no stack trace: " + err);
  }

  @Test
  void shouldAskForALockedImageTowerWithAFreshText() {
    String err =
        userError("world", "pretrain", "--out", dir.resolve("m").toString(), "--fresh-text");
    assertTrue(err.contains("--fresh-text needs --lock-image"), err);
  }

  @Test
  void shouldNameTheTextLayersWhenThereAreNone() {
    String err =
        userError("world", "pretrain", "--out", dir.resolve("m").toString(), "--text-layers", "-1");
    assertTrue(err.contains("--text-layers must be at least 1"), err);
  }

  @Test
  void shouldNameTheMinSizeFlagWhenItIsUnknown() {
    String err =
        userError("world", "sample", "--out", dir.resolve("s").toString(), "--min-size", "huge");
    assertTrue(err.contains("--min-size"), err);
  }

  /** Runs the command line, expects the user-error exit code, returns what went to stderr. */
  private static String userError(String... args) {
    CommandLine cli = Calmon.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    assertEquals(Calmon.USER_ERROR, cli.execute(args), out + "\n" + err);
    return err.toString();
  }
}
