package io.calmon.cli.world;

import io.calmon.cli.UserError;
import io.calmon.pretrain.TaskBand;
import picocli.CommandLine.Option;

/** {@code --band}: the zero-shot accuracy band a task seed is drawn in ({@link TaskBand}). */
public final class TaskBandOption {

  @Option(
      names = "--band",
      paramLabel = "BASE[,NEW]|none",
      description =
          "Draw the task so that the model's zero-shot accuracy lies in these bands (percent,"
              + " LOW-HIGH for the base classes, then the new; one band for both), redrawing from"
              + " the seed until it does; none takes the seed's task as it is (default: "
              + TaskBand.DEFAULT_PERCENT
              + "; none in the demo's noise and new-classes scenarios).")
  String band;

  /** The band given, {@code unset} when none was given, or null for {@code none}. */
  public TaskBand band(TaskBand unset) {
    if (band == null) {
      return unset;
    }
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
