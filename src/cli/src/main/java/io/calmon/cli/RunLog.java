package io.calmon.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * Where the log of a long-running interactive command goes: {@code calmon demo} and {@code calmon
 * bench} print their own status lines, so their log (calmon's, the broker's, the clients') goes to
 * a file and the console shows only those lines. The services ({@code monitor}, {@code scorer},
 * {@code trainer}) keep logging to stderr, where their supervisor collects it. Setting {@code
 * -Dorg.slf4j.simpleLogger.logFile} yourself wins.
 */
final class RunLog {
  static final String LOG_FILE_PROPERTY = "org.slf4j.simpleLogger.logFile";
  private static final Set<String> STATUS_COMMANDS = Set.of("demo", "bench");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private RunLog() {}

  /**
   * Points the log at a new file in {@code dir} when {@code args} run a status command (not its
   * help), before anything has logged; returns the file, or null when the log stays on stderr.
   */
  static Path divert(String[] args, Path dir, LocalDateTime now) {
    if (args.length == 0
        || !STATUS_COMMANDS.contains(args[0])
        || System.getProperty(LOG_FILE_PROPERTY) != null) {
      return null;
    }
    List<String> all = List.of(args);
    if (all.contains("--help") || all.contains("-h") || all.contains("--version")) {
      return null;
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Named by the command's words (demo, bench-monitor), never by its flags or their values.
    List<String> words = all.stream().limit(2).takeWhile(a -> !a.startsWith("-")).toList();
    Path file =
        dir.resolve(
            String.join("-", words).replaceAll("[^A-Za-z0-9-]", "")
                + "-"
                + STAMP.format(now)
                + ".log");
    System.setProperty(LOG_FILE_PROPERTY, file.toString());
    return file;
  }
}
