package io.calmon.service;

/**
 * A configuration value that a service cannot start with. Its message is one line naming the key,
 * what is allowed and what was given, e.g. {@code bins: must be an integer in [1, 1000], got '0'
 * (from --bins)}.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public ConfigException(String key, String message) {
    super(key + ": " + message);
    this.key = key;
  }

  public ConfigException(String key, String message, Throwable cause) {
    super(key + ": " + message, cause);
    this.key = key;
  }

  /** The configuration key (also the flag name without its dashes). */
  public String key() {
    return key;
  }
}
