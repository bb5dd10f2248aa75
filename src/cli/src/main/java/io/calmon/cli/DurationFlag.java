package io.calmon.cli;

import io.calmon.service.Durations;
import java.time.Duration;

/** A flag's duration ({@link Durations#FORMAT}), or a user error naming the flag. */
public final class DurationFlag {
  private DurationFlag() {}

  /**
   * @throws UserError naming {@code flag} when {@code value} is not a duration
   */
  public static Duration parse(String flag, String value) {
    try {
      return Durations.parse(value);
    } catch (RuntimeException e) {
      throw new UserError(flag + ": " + e.getMessage(), e);
    }
  }
}
