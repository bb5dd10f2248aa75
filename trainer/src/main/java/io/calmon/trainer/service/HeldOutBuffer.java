package io.calmon.trainer.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The most recent held-out labelled examples per class (a ring buffer each), on which the publish
 * gate compares the serving prompt version with a candidate. Which examples are held out is decided
 * by a seeded hash of the event id ({@link #isHeldOut}), not by arrival order: the same event lands
 * on the same side on every instance and after a restart, so a replayed event never moves from the
 * held-out data into the training sample.
 *
 * @param <T> what is kept per example
 */
final class HeldOutBuffer<T> {

  private final int perClass;
  private final Map<String, ArrayDeque<T>> examples = new LinkedHashMap<>();
  private final Map<String, Long> seen = new LinkedHashMap<>();

  /**
   * @param perClass examples kept per class, at least 1
   */
  HeldOutBuffer(int perClass) {
    if (perClass < 1) {
      throw new IllegalArgumentException("held-out per class must be at least 1, got " + perClass);
    }
    this.perClass = perClass;
  }

  /**
   * Whether the event with this id is held out: a 1-in-{@code oneIn} share, fixed by {@code seed}.
   */
  static boolean isHeldOut(String eventId, long seed, int oneIn) {
    if (oneIn < 1) {
      throw new IllegalArgumentException("held-out share 1 in " + oneIn + " is not positive");
    }
    long h = seed ^ 0x9E3779B97F4A7C15L;
    for (byte b : eventId.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ (b & 0xFF));
    }
    return Long.remainderUnsigned(mix(h), oneIn) == 0;
  }

  /** Adds an example, dropping the class's oldest one when full. */
  void add(String className, T example) {
    ArrayDeque<T> kept = examples.computeIfAbsent(className, c -> new ArrayDeque<>());
    if (kept.size() == perClass) {
      kept.removeFirst();
    }
    kept.addLast(example);
    seen.merge(className, 1L, Long::sum);
  }

  /** The class's examples, oldest first. */
  List<T> examples(String className) {
    ArrayDeque<T> kept = examples.get(className);
    return kept == null ? List.of() : new ArrayList<>(kept);
  }

  /** Examples ever added for the class. */
  long seen(String className) {
    return seen.getOrDefault(className, 0L);
  }

  /** Classes with at least one example, in first-seen order. */
  List<String> classes() {
    return List.copyOf(examples.keySet());
  }

  /** Total examples kept. */
  int size() {
    return examples.values().stream().mapToInt(ArrayDeque::size).sum();
  }

  /** Puts back a class's examples written earlier (the newest {@code perClass} are kept). */
  void restore(String className, long seenCount, List<T> restored) {
    ArrayDeque<T> kept = new ArrayDeque<>();
    int from = Math.max(0, restored.size() - perClass);
    kept.addAll(restored.subList(from, restored.size()));
    examples.put(className, kept);
    seen.put(className, Math.max(seenCount, kept.size()));
  }

  /** SplitMix64's finaliser: every input bit moves every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
