package io.calmon.cli;

import io.calmon.clip.ClipException;
import io.calmon.clip.ClipModel;
import io.calmon.world.DefaultModel;
import java.nio.file.Path;

/** The commands' one way to find and load a CLIP model, turning bad input into one-line errors. */
public final class ClipModels {
  private ClipModels() {}

  /** {@code model}, or the shipped model's directory when none was given. */
  public static Path directory(Path model) {
    if (model != null) {
      return model;
    }
    try {
      return DefaultModel.path();
    } catch (RuntimeException e) {
      throw new UserError("no --model given and " + e.getMessage(), e);
    }
  }

  /** The model in {@code model}, or the shipped one when null. */
  public static ClipModel load(Path model) {
    Path dir = directory(model);
    try {
      return ClipModel.load(dir);
    } catch (ClipException e) {
      throw new UserError(e.getMessage(), e);
    }
  }
}
