package io.calmon.cli;

import java.io.UncheckedIOException;

/**
 * A problem with what the user gave us (a flag, a file, a row): reported as one line on stderr with
 * exit code {@link Calmon#USER_ERROR}, never as a stack trace.
 */
public class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A service's metrics endpoint could not bind its port (in use, or a bad host): {@code KEY:
   * cannot serve metrics on HOST:PORT (Address already in use)}.
   *
   * @param key how the command names the setting, e.g. {@code --metrics-port}
   */
  static UserError metricsEndpoint(String key, UncheckedIOException e) {
    String cause = e.getCause() == null ? null : e.getCause().getMessage();
    return new UserError(
        key + ": " + e.getMessage() + (cause == null ? "" : " (" + cause + ")"), e);
  }
}
