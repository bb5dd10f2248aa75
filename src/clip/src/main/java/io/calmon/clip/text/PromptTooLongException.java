package io.calmon.clip.text;

import io.calmon.clip.ClipException;

/** A prompt (e.g. a class name in its template) whose tokens do not fit the context length. */
public class PromptTooLongException extends ClipException {
  private static final long serialVersionUID = 1L;

  public PromptTooLongException(String message) {
    super(message);
  }
}
