package io.calmon.cli.world;

import io.calmon.cli.ClipModels;
import io.calmon.cli.UserError;
import io.calmon.clip.ClipModel;
import io.calmon.pretrain.TaskBand;
import io.calmon.world.TaskExporter;
import io.calmon.world.WorldConfig;
import io.calmon.world.WorldTask;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calmon world export}: a task as a CoOp-format dataset. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a base-to-new task in CoOp's format: split_zhou_World.json, images/,",
      "outliers.txt (the outlier vocabulary), tokenizer.json and task.json.",
      "Labels 0..N-1 are the base classes, N..N+M-1 the new ones."
    })
final class WorldExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "Directory to write (created).")
  Path out;

  @Option(names = "--base", defaultValue = "20", description = "Base classes (default: 20).")
  int base;

  @Option(names = "--new", defaultValue = "20", description = "New classes (default: 20).")
  int fresh;

  @Option(
      names = "--shots",
      defaultValue = "16",
      description = "Shots; train holds max(shots, 16) images per class (default: 16).")
  int shots;

  @Option(
      names = "--test-per-class",
      defaultValue = "100",
      description = "Test images per class (default: 100).")
  int testPerClass;

  @Option(names = "--seed", defaultValue = "1", description = "Task seed (default: 1).")
  long seed;

  @Option(
      names = "--style",
      defaultValue = "sketch",
      description = "Style of every task image (default: sketch).")
  String style;

  @Option(
      names = "--model",
      description =
          "Model whose zero-shot accuracy --band reads (default: the shipped model,"
              + " src/world/model).")
  Path model;

  @Mixin TaskBandOption band;

  @Mixin WorldOptions world;

  @Override
  public Integer call() throws IOException {
    if (shots < 1 || testPerClass < 1) {
      throw new UserError(
          "--shots and --test-per-class must be >= 1, got " + shots + " and " + testPerClass);
    }
    WorldConfig config = world.config();
    TaskBand inBand = band.band(TaskBand.DEFAULT);
    WorldTask task;
    try {
      task = WorldTask.sample(seed, base, fresh, WorldOptions.style(style));
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    if (inBand != null) {
      try (ClipModel clip = ClipModels.load(model)) {
        TaskBand.Drawn drawn =
            inBand.draw(
                clip,
                seed,
                base,
                fresh,
                task.style(),
                config,
                n -> spec.commandLine().getErr().println(n + " tasks drawn, none in the band yet"));
        task = drawn.task();
        spec.commandLine().getOut().println(drawn.describe(inBand));
      } catch (IllegalStateException e) {
        throw new UserError(e.getMessage(), e);
      }
    }
    TaskExporter.Sizes sizes = TaskExporter.Sizes.forShots(shots, testPerClass);
    Path split = new TaskExporter(task, config).export(out, sizes);
    spec.commandLine()
        .getOut()
        .printf(
            "wrote %s: %d base + %d new classes, %d/%d/%d images per class (train/val/test),"
                + " %d outliers%n",
            split, base, fresh, sizes.train(), sizes.val(), sizes.test(), task.outliers().size());
    return 0;
  }
}
