package io.calmon.trainer.loop;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Up to {@code shots} labelled examples per class, each a uniform sample of everything offered for
 * that class (reservoir sampling, Vitter's algorithm R), so memory is bounded by classes x shots
 * however long the stream runs. Seeded: the same offers in the same order keep the same examples.
 *
 * <p>The trainer keeps image <em>features</em> here (the image encoder is frozen), and writes each
 * class's reservoir to a compacted topic so a restart does not forget ({@link #restore}).
 *
 * @param <T> what is kept per example
 */
public final class FewShotReservoir<T> {

  /** One class's sample and how many examples were offered for it in all. */
  public record ClassSample<T>(String className, long seen, List<T> examples) {
    public ClassSample {
      examples = List.copyOf(examples);
    }
  }

  private final int shots;
  private final SplittableRandom random;
  private final Map<String, List<T>> examples = new LinkedHashMap<>();
  private final Map<String, Long> seen = new LinkedHashMap<>();

  /**
   * @param shots examples kept per class, at least 1
   * @param seed seed of the sampling decisions
   */
  public FewShotReservoir(int shots, long seed) {
    if (shots < 1) {
      throw new IllegalArgumentException("shots must be at least 1, got " + shots);
    }
    this.shots = shots;
    this.random = new SplittableRandom(seed);
  }

  /**
   * Offers one labelled example. Decides before the example is built whether it is kept, so the
   * caller can skip costly work (encoding an image) for examples that would be dropped.
   *
   * @return the slot the example takes (0 .. shots-1), or -1 when it is not kept
   */
  public int admit(String className) {
    long n = seen.merge(className, 1L, Long::sum);
    List<T> kept = examples.computeIfAbsent(className, c -> new ArrayList<>());
    if (kept.size() < shots) {
      return kept.size();
    }
    long j = random.nextLong(n);
    return j < shots ? (int) j : -1;
  }

  /** Stores an example in the slot {@link #admit} gave it. */
  public void put(String className, int slot, T example) {
    List<T> kept = examples.get(className);
    if (kept == null || slot < 0 || slot > kept.size() || slot >= shots) {
      throw new IllegalArgumentException(
          "slot " + slot + " was not admitted for class '" + className + "'");
    }
    if (slot == kept.size()) {
      kept.add(example);
    } else {
      kept.set(slot, example);
    }
  }

  /** {@link #admit} then {@link #put} in one call, for examples that are cheap to build. */
  public boolean offer(String className, T example) {
    int slot = admit(className);
    if (slot >= 0) {
      put(className, slot, example);
    }
    return slot >= 0;
  }

  /** The sample of one class (empty if never offered). */
  public ClassSample<T> sample(String className) {
    return new ClassSample<>(
        className,
        seen.getOrDefault(className, 0L),
        examples.getOrDefault(className, Collections.emptyList()));
  }

  /** Classes with at least {@code minShots} examples kept, in first-seen order. */
  public List<String> classesWithAtLeast(int minShots) {
    List<String> ready = new ArrayList<>();
    examples.forEach(
        (className, kept) -> {
          if (kept.size() >= minShots) {
            ready.add(className);
          }
        });
    return ready;
  }

  /** Every class offered so far, in first-seen order. */
  public List<String> classes() {
    return List.copyOf(examples.keySet());
  }

  /** Puts back a class's sample written earlier (after a restart). */
  public void restore(ClassSample<T> sample) {
    if (sample.examples().size() > shots) {
      throw new IllegalArgumentException(
          "class '"
              + sample.className()
              + "' has "
              + sample.examples().size()
              + " examples, more than "
              + shots
              + " shots");
    }
    examples.put(sample.className(), new ArrayList<>(sample.examples()));
    seen.put(sample.className(), Math.max(sample.seen(), sample.examples().size()));
  }

  /** Examples kept per class. */
  public int shots() {
    return shots;
  }
}
