package io.calmon.world;

import java.util.Iterator;
import java.util.function.LongFunction;

/** Endless iterators over index-addressed, seeded sequences (samples, traffic events). */
final class Endless {
  private Endless() {}

  /** {@code at(from), at(from + 1), ...} without end. */
  static <T> Iterator<T> from(long from, LongFunction<T> at) {
    return new Iterator<>() {
      private long next = from;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public T next() {
        return at.apply(next++);
      }
    };
  }
}
