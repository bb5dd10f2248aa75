package io.calmon.cli.clip;

import picocli.CommandLine.Command;

/** {@code calmon clip ...}: use a CLIP model directory directly. */
@Command(
    name = "clip",
    mixinStandardHelpOptions = true,
    description = "Run a CLIP model directory (Hugging Face layout).",
    subcommands = {ZeroShotCommand.class, ClipInfoCommand.class, ClipRandomCommand.class})
public final class ClipCommand {
  private ClipCommand() {}
}
