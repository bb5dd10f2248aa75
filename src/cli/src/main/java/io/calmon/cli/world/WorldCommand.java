package io.calmon.cli.world;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code calmon world}: the procedural image world (export a task, look at samples). */
@Command(
    name = "world",
    mixinStandardHelpOptions = true,
    description =
        "The procedural image world: export a base-to-new task, sample images, pretrain and"
            + " evaluate its CLIP.",
    subcommands = {
      WorldExportCommand.class,
      WorldSampleCommand.class,
      WorldTokenizerCommand.class,
      WorldPretrainCommand.class,
      WorldInfoCommand.class
    })
public final class WorldCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
