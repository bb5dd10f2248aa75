package io.calmon.kafka;

/** An existing topic is configured differently from what calmon's topic catalogue requires. */
public final class TopicMismatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TopicMismatchException(String message) {
    super(message);
  }
}
