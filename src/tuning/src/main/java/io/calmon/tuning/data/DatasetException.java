package io.calmon.tuning.data;

/** A dataset that cannot be used as given: the message names the file, class or value. */
public class DatasetException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
