package io.calmon.world;

/**
 * Derives independent seeds from a base seed and a path of indices (task seed, split, class,
 * image), so that any image can be generated on its own, in any order, always the same.
 */
final class Seeds {
  private Seeds() {}

  /** A seed for the item at {@code path} under {@code base}; SplitMix64 finalizer per step. */
  static long derive(long base, long... path) {
    long h = mix(base ^ 0x9E3779B97F4A7C15L);
    for (long p : path) {
      h = mix(h + 0x9E3779B97F4A7C15L * (p + 1));
    }
    return h;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
