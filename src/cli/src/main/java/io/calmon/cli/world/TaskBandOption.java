package io.calmon.cli.world;

import io.calmon.cli.UserError;
import io.calmon.pretrain.TaskBand;
import picocli.CommandLine.Option;

/** {@code --band}: the zero-shot accuracy band a task seed is drawn in ({@link TaskBand}). */
public final class TaskBandOption {

  @Option(
      names = "--band",
      defaultValue = TaskBand.DEFAULT_PERCENT,
      paramLabel = "BASE[,NEW]|none",
      description =
          "Draw the task so that the model's zero-shot accuracy lies in these bands (percent,"
              + " LOW-HIGH for the base classes, then the new; one band for both), redrawing from"
              + " the seed until it does; none takes the seed's task as it is (default:"
              + " ${DEFAULT-VALUE}).")
  String band;

  /** The band, or null for none. */
  public TaskBand band() {
    if (band.trim().equalsIgnoreCase("none")) {
      return null;
    }
    try {
      return TaskBand.parse(band);
    } catch (IllegalArgumentException e) {
      throw new UserError("--band " + e.getMessage(), e);
    }
  }
}
