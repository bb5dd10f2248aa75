package io.calmon.monitor.topology;

import io.calmon.schemas.DeadLetter;

/**
 * A value read from a topic: the record, or the dead letter that replaces it.
 *
 * @param <T> the record type
 */
record Decoded<T>(T record, DeadLetter deadLetter) {

  static <T> Decoded<T> ok(T record) {
    return new Decoded<>(record, null);
  }

  static <T> Decoded<T> dead(DeadLetter deadLetter) {
    return new Decoded<>(null, deadLetter);
  }

  boolean isDead() {
    return deadLetter != null;
  }
}
