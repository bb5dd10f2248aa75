package io.calmon.cli;

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
}
