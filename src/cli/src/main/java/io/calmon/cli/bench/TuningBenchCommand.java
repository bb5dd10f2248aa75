package io.calmon.cli.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.calmon.cli.UserError;
import io.calmon.clip.ClipConfig;
import io.calmon.clip.ClipModel;
import io.calmon.clip.TextConfig;
import io.calmon.clip.VisionConfig;
import io.calmon.clip.nn.Activation;
import io.calmon.clip.text.ClipTokenizer;
import io.calmon.world.TokenizerJson;
import io.calmon.world.Vocabulary;
import io.calmon.world.WorldClass;
import io.calmon.world.WorldTask;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code calmon bench tuning}: prompt-tuning step time, CoOp against CoOp+DOR, and the end-of-text
 * cut, on a tiny text encoder and on a ViT-B/16-shaped one with random weights. Prompts are world
 * class names and outlier words under the world's word-level tokenizer: as short as real class
 * prompts, so the cut is representative.
 */
@Command(
    name = "tuning",
    mixinStandardHelpOptions = true,
    description =
        "Prompt-tuning step time of coop vs coop+dor (DOR's overhead) and the end-of-text cut's"
            + " speed-up (forward+backward), tiny and ViT-B/16-shaped text encoders, random"
            + " weights; ratios from the same run.")
final class TuningBenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--steps",
      defaultValue = "5",
      description =
          "Timed steps per side for ViT-B/16, after one warm-up (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--tiny-steps",
      defaultValue = "30",
      description = "Timed steps per side for the tiny model (default: ${DEFAULT-VALUE}).")
  int tinySteps;

  @Option(
      names = "--classes",
      defaultValue = "10",
      description = "Base classes (default: ${DEFAULT-VALUE}).")
  int classes;

  @Option(
      names = "--outlier-batch",
      defaultValue = "10",
      description = "DOR's B, outliers per step (default: ${DEFAULT-VALUE}).")
  int outlierBatch;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "libtorch intra-op threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--tiny-only", description = "Skip the ViT-B/16-shaped encoder (for tests).")
  boolean tinyOnly;

  @Override
  public Integer call() throws IOException {
    if (steps < 1 || tinySteps < 1 || classes < 2 || outlierBatch < 1 || threads < 1) {
      throw new UserError(
          "--steps, --tiny-steps, --outlier-batch and --threads must be >= 1 and --classes >= 2, got "
              + steps
              + ", "
              + outlierBatch
              + ", "
              + threads
              + ", "
              + classes);
    }
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    Engine.getEngine("PyTorch"); // loads the natives before they are configured
    JniUtils.setNumThreads(threads);
    PrintWriter out = spec.commandLine().getOut();
    WorldTask task;
    try {
      task = WorldTask.sample(1, classes, 1, WorldTask.DEFAULT_STYLE);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    List<String> names = task.baseClasses().stream().map(WorldClass::name).toList();
    List<String> outliers = task.outliers();
    Path dir = Files.createTempDirectory("calmon-bench-tuning");
    Path tokenizerFile = dir.resolve("tokenizer.json");
    List<TuningBenchmark.Figures> figures = new ArrayList<>();
    try {
      TokenizerJson.write(Vocabulary.world(), tokenizerFile);
      TuningBenchmark bench = new TuningBenchmark(out);
      try (ClipModel tiny = ClipModel.random(tiny(), 1, ClipTokenizer.load(tokenizerFile, 16))) {
        figures.add(
            bench.measure(
                "tiny (width 32, 2 layers)", tiny, names, outliers, outlierBatch, tinySteps));
      }
      if (!tinyOnly) {
        ClipConfig b16 = ClipConfig.vitB16();
        try (ClipModel clip =
            ClipModel.random(
                b16, 1, ClipTokenizer.load(tokenizerFile, b16.text().maxPositionEmbeddings()))) {
          figures.add(
              bench.measure(
                  "ViT-B/16 text (width 512, 12 layers)",
                  clip,
                  names,
                  outliers,
                  outlierBatch,
                  steps));
        }
      }
    } finally {
      Files.deleteIfExists(tokenizerFile);
      Files.deleteIfExists(dir);
    }
    out.println();
    out.printf(
        "%d base classes, B = %d outliers, image batch 32 (cached features), %d thread(s),"
            + " best of %d steps (tiny: %d)%n%n",
        classes, outlierBatch, threads, steps, tinySteps);
    out.print(TuningBenchmark.markdown(figures));
    out.flush();
    return 0;
  }

  /** The tiny shape the trainer tests use: text width 32, 2 layers, context 16. */
  private static ClipConfig tiny() {
    return new ClipConfig(
        new TextConfig(32, 64, 2, 2, 16, 140, Activation.QUICK_GELU, 1e-5f),
        new VisionConfig(32, 64, 2, 1, 32, 8, 3, Activation.QUICK_GELU, 1e-5f),
        24,
        (float) Math.log(100));
  }
}
