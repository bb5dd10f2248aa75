package io.calmon.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded broker's data directory: checks, creation, clean-up. */
final class DataDirs {

  private static final Logger LOG = LoggerFactory.getLogger(DataDirs.class);

  private DataDirs() {}

  /**
   * Checks that the broker will be able to use {@code dir}, without creating anything.
   *
   * @throws IllegalArgumentException naming the directory and what is wrong with it
   */
  static void checkUsable(Path dir) {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("data dir is not a directory: " + dir);
      }
      if (!Files.isWritable(dir)) {
        throw new IllegalArgumentException("data dir is not writable: " + dir);
      }
      return;
    }
    // A new dir is created at start: its nearest existing ancestor must be a writable directory.
    Path ancestor = dir.toAbsolutePath().getParent();
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (ancestor == null || !Files.isDirectory(ancestor) || !Files.isWritable(ancestor)) {
      throw new IllegalArgumentException(
          "data dir cannot be created (" + ancestor + " is not a writable directory): " + dir);
    }
  }

  static Path createTemp() {
    try {
      return Files.createTempDirectory("calmon-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a temporary data dir", e);
    }
  }

  static void create(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create data dir " + dir, e);
    }
  }

  /** Deletes a temporary data dir; a failure is logged, not thrown (it is only disk space). */
  static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete temporary data dir {}", dir, e);
    }
  }
}
