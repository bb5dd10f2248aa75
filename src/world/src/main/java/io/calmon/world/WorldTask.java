package io.calmon.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A base-to-new classification task drawn from the world: base classes are colours A x shapes A,
 * new classes colours B x shapes B, with A and B disjoint, so base and new share no class word.
 * Labels 0..N-1 are the base classes (sorted by name), N..N+M-1 the new ones.
 *
 * @param seed the seed that drew the classes (and, derived from it, every image of the task)
 * @param style the style every task image is drawn in
 * @param baseClasses the base classes in label order
 * @param newClasses the new classes in label order (after the base ones)
 * @param template the hand-written prompt template
 */
public record WorldTask(
    long seed,
    Style style,
    List<WorldClass> baseClasses,
    List<WorldClass> newClasses,
    String template) {

  /** The default task's style: a domain gap that the word "sketch" describes. */
  public static final Style DEFAULT_STYLE = Style.SKETCH;

  public WorldTask {
    baseClasses = List.copyOf(baseClasses);
    newClasses = List.copyOf(newClasses);
  }

  /**
   * Draws a task of {@code nBase} base and {@code nNew} new classes. The colour and shape word sets
   * of each side are as square as possible ({@code ceil(sqrt(n))} colours); the two sides' words
   * never overlap.
   *
   * @throws IllegalArgumentException when the world has too few words for the request
   */
  public static WorldTask sample(long seed, int nBase, int nNew, Style style) {
    if (nBase < 1 || nNew < 1) {
      throw new IllegalArgumentException(
          "a task needs at least one base and one new class, got base=" + nBase + ", new=" + nNew);
    }
    int cBase = (int) Math.ceil(Math.sqrt(nBase));
    int sBase = (int) Math.ceil((double) nBase / cBase);
    int cNew = (int) Math.ceil(Math.sqrt(nNew));
    int sNew = (int) Math.ceil((double) nNew / cNew);
    if (cBase + cNew > Colour.values().length || sBase + sNew > Shape.values().length) {
      throw new IllegalArgumentException(
          "base="
              + nBase
              + ", new="
              + nNew
              + " needs "
              + (cBase + cNew)
              + " colours and "
              + (sBase + sNew)
              + " shapes; the world has "
              + Colour.values().length
              + " and "
              + Shape.values().length
              + " (at most 64 base and 64 new classes)");
    }
    Random rng = new Random(Seeds.derive(seed, 0xC1A55));
    List<Colour> colours = new ArrayList<>(List.of(Colour.values()));
    List<Shape> shapes = new ArrayList<>(List.of(Shape.values()));
    Collections.shuffle(colours, rng);
    Collections.shuffle(shapes, rng);
    List<WorldClass> base = draw(colours.subList(0, cBase), shapes.subList(0, sBase), nBase, rng);
    List<WorldClass> fresh =
        draw(colours.subList(cBase, cBase + cNew), shapes.subList(sBase, sBase + sNew), nNew, rng);
    return new WorldTask(seed, style, base, fresh, CaptionSampler.DEFAULT_TEMPLATE);
  }

  /**
   * The seed of draw {@code draw} for a requested task seed: the seed itself first, then seeds
   * derived from it, for callers that redraw a task until it meets a condition (a zero-shot
   * accuracy band: {@code io.calmon.pretrain.TaskBand}).
   */
  public static long drawSeed(long seed, int draw) {
    return draw == 0 ? seed : Seeds.derive(seed, 0xBA4D, draw);
  }

  /** The default task: 20 base, 20 new, sketches, "a photo of a {}.". */
  public static WorldTask defaultTask(long seed) {
    return sample(seed, 20, 20, DEFAULT_STYLE);
  }

  private static List<WorldClass> draw(
      List<Colour> colours, List<Shape> shapes, int n, Random rng) {
    List<WorldClass> all = new ArrayList<>();
    for (Colour c : colours) {
      for (Shape s : shapes) {
        all.add(new WorldClass(c, s));
      }
    }
    Collections.shuffle(all, rng);
    List<WorldClass> chosen = new ArrayList<>(all.subList(0, n));
    Collections.sort(chosen);
    return chosen;
  }

  /** Base then new classes: the index of a class is its label. */
  public List<WorldClass> classes() {
    List<WorldClass> all = new ArrayList<>(baseClasses);
    all.addAll(newClasses);
    return all;
  }

  /** Whether {@code label} is a base class. */
  public boolean isBase(int label) {
    return label < baseClasses.size();
  }

  /** The outlier vocabulary: world words and phrases containing no class word of this task. */
  public List<String> outliers() {
    return Vocabulary.world().outliers(classes());
  }
}
