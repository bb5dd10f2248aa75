package io.calmon.cli.world;

import io.calmon.cli.ClipModels;
import io.calmon.cli.UserError;
import io.calmon.clip.ClipConfig;
import io.calmon.clip.ClipModel;
import io.calmon.pretrain.ZeroShotEvaluation;
import io.calmon.world.WorldConfig;
import io.calmon.world.WorldTask;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calmon world info}: the world model, its architecture and zero-shot figures. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the world model's directory and architecture, and its zero-shot accuracy and ECE",
      "(15 bins) on the default task's test images: base classes among the base names, new",
      "among the new names, and held-out compositions (base colours x new shapes and back)."
    })
final class WorldInfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      description = "Model directory (default: the shipped model, src/world/model).")
  Path model;

  @Option(names = "--seed", defaultValue = "1", description = "Task seed (default: 1).")
  long seed;

  @Option(
      names = "--style",
      defaultValue = "sketch",
      description = "Style of the task's images (default: sketch, the default task's).")
  String style;

  @Option(
      names = "--test-per-class",
      defaultValue = "100",
      description = "Test images per class; 0 skips the evaluation (default: 100).")
  int perClass;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (perClass < 0) {
      throw new UserError("--test-per-class must be >= 0, got " + perClass);
    }
    Path dir = ClipModels.directory(model);
    try (ClipModel m = ClipModels.load(dir)) {
      ClipConfig c = m.config();
      out.printf("model:        %s%n", dir.toAbsolutePath().normalize());
      out.printf("architecture: %s%n", c.describe());
      out.printf("parameters:   %,d%n", m.parameterCount());
      out.printf("logit scale:  %.2f (ln %.4f)%n", Math.exp(m.logitScale()), m.logitScale());
      out.printf("weights:      sha256 %s%n", m.weightsSha256().orElse("-"));
      out.flush();
      if (perClass > 0) {
        WorldConfig config = WorldConfig.builder().optImageSize(c.vision().imageSize()).build();
        WorldTask task = WorldTask.sample(seed, 20, 20, WorldOptions.style(style));
        out.printf(
            "zero-shot on the default task (seed %d, %s, \"%s\", %d test images per class):%n",
            seed, task.style().word(), task.template(), perClass);
        ZeroShotEvaluation.evaluate(m, task, config, perClass)
            .groups()
            .forEach(g -> out.println("  " + g.line()));
      }
      out.flush();
    }
    return 0;
  }
}
