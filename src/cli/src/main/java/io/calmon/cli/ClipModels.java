package io.calmon.cli;

import io.calmon.clip.ClipException;
import io.calmon.clip.ClipModel;
import io.calmon.world.DefaultModel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The commands' one way to find and load a CLIP model, turning bad input into one-line errors that
 * name {@code --model}. Tools fall back to the shipped world model ({@link #load}); the services
 * serve and tune only a model they were given ({@link #require}).
 */
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
    return open(directory(model));
  }

  /**
   * The model a service runs: {@code model} must be given (a service never falls back to the
   * world's toy model) and must have a tokenizer (class names and prompts are encoded).
   */
  public static ClipModel require(Path model) {
    if (model == null) {
      throw new UserError("--model is required: a CLIP model directory (Hugging Face layout)");
    }
    return withTokenizer(open(model), model);
  }

  /** {@code clip}, or a user error (the model closed) when it has no tokenizer. */
  public static ClipModel withTokenizer(ClipModel clip, Path dir) {
    if (clip.tokenizer().isEmpty()) {
      clip.close();
      throw new UserError("--model " + dir + ": no " + ClipModel.TOKENIZER);
    }
    return clip;
  }

  private static ClipModel open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new UserError("--model " + dir + ": no such directory");
    }
    try {
      return ClipModel.load(dir);
    } catch (ClipException e) {
      throw new UserError("--model " + dir + ": " + e.getMessage(), e);
    }
  }
}
