package io.calmon.world;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the world's shipped CLIP lives ({@code src/world/model/} in the repository: {@code
 * config.json}, {@code model.safetensors}, {@code tokenizer.json}), resolved in this order:
 *
 * <ol>
 *   <li>the system property {@value #MODEL_DIR_PROPERTY}, if set;
 *   <li>{@code ${calmon.home}/src/world/model} if the property {@value #HOME_PROPERTY} is set (the
 *       {@code ./calmon} launcher sets it to the repository root);
 *   <li>the first directory, walking up from the working directory, that holds {@code
 *       src/world/model/config.json}.
 * </ol>
 */
public final class DefaultModel {
  /** Names the model directory outright. */
  public static final String MODEL_DIR_PROPERTY = "calmon.model.dir";

  /** The repository root; the model is {@link #RELATIVE} under it. */
  public static final String HOME_PROPERTY = "calmon.home";

  /** The model directory relative to the repository root. */
  public static final Path RELATIVE = Path.of("src", "world", "model");

  private DefaultModel() {}

  /**
   * The shipped model's directory.
   *
   * @throws IllegalStateException naming what was tried when no model directory is found
   */
  public static Path path() {
    return resolve(
        System.getProperty(MODEL_DIR_PROPERTY),
        System.getProperty(HOME_PROPERTY),
        Path.of("").toAbsolutePath());
  }

  static Path resolve(String modelDir, String home, Path workingDir) {
    if (modelDir != null && !modelDir.isBlank()) {
      return checked(Path.of(modelDir), "-D" + MODEL_DIR_PROPERTY);
    }
    if (home != null && !home.isBlank()) {
      return checked(Path.of(home).resolve(RELATIVE), "-D" + HOME_PROPERTY + "=" + home);
    }
    for (Path dir = workingDir; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(RELATIVE);
      if (Files.isRegularFile(candidate.resolve("config.json"))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "no world model found: set -D"
            + MODEL_DIR_PROPERTY
            + "=DIR or -D"
            + HOME_PROPERTY
            + "=REPO, or run inside the calmon repository (looked for "
            + RELATIVE.resolve("config.json")
            + " above "
            + workingDir
            + ")");
  }

  private static Path checked(Path dir, String from) {
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new IllegalStateException(
          "no world model at " + dir + " (from " + from + "): config.json is missing");
    }
    return dir;
  }
}
