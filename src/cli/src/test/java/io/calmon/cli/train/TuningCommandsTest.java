package io.calmon.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calmon.cli.Calmon;
import io.calmon.clip.ClipConfig;
import io.calmon.clip.ClipModel;
import io.calmon.clip.TextConfig;
import io.calmon.clip.VisionConfig;
import io.calmon.clip.nn.Activation;
import io.calmon.clip.text.ClipTokenizer;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.world.TaskExporter;
import io.calmon.world.WorldConfig;
import io.calmon.world.WorldTask;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code calmon eval base2new} and {@code calmon train} end to end through the real command line: a
 * tiny world task (4 base + 4 new classes, 32 px) exported through the world API, and a tiny random
 * CLIP whose tokenizer is the world's, saved as a model directory.
 */
class TuningCommandsTest {
  private static final List<String> FIELDS =
      List.of("base_acc", "new_acc", "h", "base_ece", "new_ece", "base_ace", "new_ace");

  @TempDir static Path dir;
  private static Path task;
  private static Path model;

  @BeforeAll
  static void exportTaskAndModel() throws Exception {
    task = dir.resolve("task");
    new TaskExporter(
            WorldTask.sample(5, 4, 4, WorldTask.DEFAULT_STYLE),
            WorldConfig.defaults().toBuilder().optImageSize(32).build())
        .export(task, new TaskExporter.Sizes(4, 4, 5));
    model = dir.resolve("model");
    ClipConfig tiny =
        new ClipConfig(
            new TextConfig(32, 64, 2, 2, 16, 140, Activation.QUICK_GELU, 1e-5f),
            new VisionConfig(32, 64, 2, 1, 32, 8, 3, Activation.QUICK_GELU, 1e-5f),
            24,
            (float) Math.log(100));
    try (ClipModel clip =
        ClipModel.random(tiny, 9, ClipTokenizer.load(task.resolve("tokenizer.json"), 16))) {
      clip.save(model);
    }
  }

  /** Exit code, stdout, stderr. */
  private record Run(int code, String out, String err) {}

  private static Run calmon(String... args) {
    CommandLine cli = Calmon.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static String[] base2new(String methods, Path dataset) {
    return base2new(methods, dataset, "1", "json");
  }

  private static String[] base2new(
      String methods, Path dataset, String seeds, String format, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "eval", "base2new", "--model", model.toString(), "--dataset", dataset.toString()));
    args.addAll(
        List.of(
            "--methods",
            methods,
            "--shots",
            "4",
            "--seeds",
            seeds,
            "--epochs",
            "2",
            "--batch",
            "8",
            "--optimizer",
            "adam",
            "--lr",
            "0.01",
            "--outliers",
            task.resolve("outliers.txt").toString(),
            "--format",
            format));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void shouldReportEveryMethodAsJsonWithPercentagesAndItsSeeds() throws Exception {
    Run run = calmon(base2new("zeroshot,coop,coop+dor", task));
    assertEquals(0, run.code(), run.err());
    JsonNode methods = new ObjectMapper().readTree(run.out()).get("methods");
    assertEquals(3, methods.size(), run.out());
    List<String> names = new ArrayList<>();
    for (JsonNode m : methods) {
      names.add(m.get("method").asText());
      for (String f : FIELDS) {
        double v = m.get(f).asDouble(Double.NaN);
        assertTrue(v >= 0 && v <= 100, m.get("method") + " " + f + " = " + m.get(f));
      }
      JsonNode seeds = m.get("seeds");
      assertEquals(1, seeds.size());
      assertEquals(1, seeds.get(0).get("seed").asLong());
      assertEquals(m.get("h").asDouble(), seeds.get(0).get("h").asDouble(), 1e-9);
      double deviation = seeds.get(0).get("new_deviation").asDouble(Double.NaN);
      if (m.get("method").asText().equals("zeroshot")) {
        // The template's own features: no shift at all.
        assertEquals(0, deviation, 1e-6, m.toString());
        assertEquals(1, seeds.get(0).get("new_divergence_ratio").asDouble(), 1e-6, m.toString());
      } else {
        assertTrue(deviation > 0, "a tuned context moves the new classes' features: " + m);
      }
    }
    assertEquals(List.of("zeroshot", "coop", "coop+dor"), names);
  }

  @Test
  void shouldPrintMeanAndSpreadAndWriteOneReliabilityPngPerMethod() throws Exception {
    Path pngs = dir.resolve("reliability/nested");
    Run run =
        calmon(
            base2new(
                "zeroshot,coop+dor",
                task,
                "1,2",
                "markdown",
                "--reliability-dir",
                pngs.toString()));
    assertEquals(0, run.code(), run.err());
    List<String> rows =
        run.out().lines().takeWhile(l -> !l.isBlank()).filter(l -> l.startsWith("| ")).toList();
    assertEquals(3, rows.size(), run.out());
    assertTrue(
        run.out().contains("| method | base divergence ratio | new divergence ratio |"), run.out());
    for (String row : rows.subList(1, 3)) {
      // Nine cells "mean ± std" after the method name.
      assertEquals(9, row.split("±", -1).length - 1, row);
    }
    assertTrue(run.out().contains("sample standard deviation (n - 1) over 2 seed(s)"), run.out());
    for (String name : List.of("zeroshot.png", "coop-dor.png")) {
      BufferedImage img = ImageIO.read(pngs.resolve(name).toFile());
      assertNotNull(img, name + " does not decode");
      assertTrue(img.getWidth() > img.getHeight(), name + " is not two panels side by side");
      assertTrue(run.err().contains("wrote " + pngs.resolve(name)), run.err());
    }
  }

  @Test
  void shouldRefuseAReliabilityDirThatCannotBeCreatedInOneLine() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    Run run =
        calmon(
            base2new(
                "zeroshot",
                task,
                "1",
                "json",
                "--reliability-dir",
                file.resolve("png").toString()));
    assertEquals(Calmon.USER_ERROR, run.code());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().startsWith("calmon: --reliability-dir "), run.err());
    assertTrue(run.err().toLowerCase(Locale.ROOT).contains("not a directory"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void shouldScoreWithAGivenLogitScaleKeepingEveryPrediction() throws Exception {
    JsonNode own = new ObjectMapper().readTree(calmon(base2new("zeroshot", task)).out());
    Run run = calmon(base2new("zeroshot", task, "1", "json", "--logit-scale", "1"));
    assertEquals(0, run.code(), run.err());
    assertTrue(run.err().contains("logit scale 100.00 replaced by 1.00"), run.err());
    JsonNode flat = new ObjectMapper().readTree(run.out());
    JsonNode a = own.get("methods").get(0);
    JsonNode b = flat.get("methods").get(0);
    // The scale divides every logit alike: the argmax, hence accuracy, cannot change ...
    assertEquals(a.get("base_acc").asDouble(), b.get("base_acc").asDouble(), 1e-9);
    assertEquals(a.get("new_acc").asDouble(), b.get("new_acc").asDouble(), 1e-9);
    // ... but confidences near 1/4 (scale 1, cosines in [-1, 1]) do.
    assertNotEquals(a.get("base_ece").asDouble(), b.get("base_ece").asDouble(), 1e-6);
    // The seed line names the mean confidence, in percent: over 4 classes at scale 1 a softmax's
    // top probability lies between 1/4 and e^2 / (e^2 + 3) = 71.1%, whatever the cosines.
    Matcher conf = Pattern.compile("zeroshot seed 1: .* base conf ([0-9.]+) ").matcher(run.err());
    assertTrue(conf.find(), run.err());
    double percent = Double.parseDouble(conf.group(1));
    assertTrue(percent >= 25 && percent <= 71.1, run.err());
  }

  @Test
  void shouldRefuseANonPositiveLogitScaleNamingTheFlag() {
    Run run = calmon(base2new("zeroshot", task, "1", "json", "--logit-scale", "0"));
    assertEquals(Calmon.USER_ERROR, run.code());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().startsWith("calmon: --logit-scale "), run.err());
    assertEquals("", run.out());
  }

  @Test
  void shouldRefuseAnUnknownMethodInOneLine() {
    Run run = calmon(base2new("zeroshot,maple", task));
    assertEquals(Calmon.USER_ERROR, run.code());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().contains("maple"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void shouldRefuseADatasetWithoutItsSplitFileInOneLine() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Run run = calmon(base2new("zeroshot", empty));
    assertEquals(Calmon.USER_ERROR, run.code());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().startsWith("calmon: "), run.err());
    assertTrue(run.err().contains("split_zhou_"), run.err());
  }

  @Test
  void shouldTrainAndWriteAPromptVersionThatDecodes() throws Exception {
    Path out = dir.resolve("versions/coop.avro");
    Run run =
        calmon(
            "train",
            "--model",
            model.toString(),
            "--dataset",
            task.toString(),
            "--method",
            "coop+dor",
            "--shots",
            "4",
            "--epochs",
            "2",
            "--batch",
            "8",
            "--optimizer",
            "adam",
            "--lr",
            "0.01",
            "--outliers",
            task.resolve("outliers.txt").toString(),
            "--out",
            out.toString());
    assertEquals(0, run.code(), run.err());
    PromptVersion v = AvroCodec.of(PromptVersion.class).decode(Files.readAllBytes(out));
    assertEquals("coop+dor", v.getMethod());
    assertEquals(4, v.getBaseClasses().size());
    assertEquals(4 * 32, v.getContextVectors().size());
    assertEquals(4, v.getNCtx());
    assertTrue(v.getMetrics().containsKey("val_base_acc"), v.getMetrics().toString());
  }
}
