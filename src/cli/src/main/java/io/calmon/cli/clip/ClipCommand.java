package io.calmon.cli.clip;

import io.calmon.cli.UserError;
import io.calmon.clip.ClipException;
import io.calmon.clip.ClipModel;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code calmon clip ...}: use a CLIP model directory directly. */
@Command(
    name = "clip",
    mixinStandardHelpOptions = true,
    description = "Run a CLIP model directory (Hugging Face layout).",
    subcommands = {ZeroShotCommand.class, ClipInfoCommand.class, ClipRandomCommand.class})
public final class ClipCommand {

  /** Loads a model directory, turning every model problem into a one-line user error. */
  static ClipModel loadModel(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new UserError("model directory " + dir + " does not exist");
    }
    try {
      return ClipModel.load(dir);
    } catch (ClipException e) {
      throw new UserError(e.getMessage(), e);
    }
  }
}
