package io.calmon.service;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in flags and properties files: a whole number with a unit ({@code
 * 500ms}, {@code 30s}, {@code 10m}, {@code 1h}, {@code 2d}) or ISO-8601 ({@code PT10M}, {@code
 * P1D}).
 */
public final class Durations {

  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  /** What {@link #parse} accepts, for error messages. */
  public static final String FORMAT = "a duration such as 500ms, 30s, 10m, 1h, 2d or PT10M";

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException if the text is neither form, or is negative
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("expected " + FORMAT + ", got an empty value");
    }
    String trimmed = text.trim();
    Matcher m = SHORT.matcher(trimmed.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long amount;
      try {
        amount = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("duration '" + text + "' is too large", e);
      }
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      Duration iso = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
      if (iso.isNegative()) {
        throw new IllegalArgumentException("duration '" + text + "' is negative");
      }
      return iso;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expected " + FORMAT + ", got '" + text + "'", e);
    }
  }

  /** The shortest of the short forms that is exact, e.g. {@code 10m} for 600 seconds. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 86_400_000 == 0 && millis != 0) {
      return millis / 86_400_000 + "d";
    }
    if (millis % 3_600_000 == 0 && millis != 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0 && millis != 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }
}
