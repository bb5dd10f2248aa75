package io.calmon.pretrain;

import io.calmon.clip.ClipModel;
import io.calmon.world.Style;
import io.calmon.world.WorldConfig;
import io.calmon.world.WorldTask;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * The bands of zero-shot accuracy in which a world task is a fair base-to-new task for a model, one
 * for the base classes and one for the new: below a band the model cannot do the task; above it
 * there is nothing for prompt tuning to gain (saturated base classes) or to break (new classes so
 * easy that an overfitted context cannot make them overconfident). A task seed is drawn as it is
 * when its probe lies in both bands, else redrawn from seeds derived from it ({@link
 * WorldTask#drawSeed}) until one does, so every task seed names a task in the bands. How the
 * default was chosen: docs/WORLD.md, "Tasks in the band".
 *
 * @param baseLow lowest zero-shot accuracy of the base classes, a fraction
 * @param baseHigh highest zero-shot accuracy of the base classes
 * @param newLow lowest zero-shot accuracy of the new classes
 * @param newHigh highest zero-shot accuracy of the new classes
 */
public record TaskBand(double baseLow, double baseHigh, double newLow, double newHigh) {

  /** The default bands as {@link #parse} reads them: base 60-90%, new 60-75%. */
  public static final String DEFAULT_PERCENT = "60-90,60-75";

  /** Base classes 60-90%, new classes 60-75%: see docs/WORLD.md, "Tasks in the band". */
  public static final TaskBand DEFAULT = parse(DEFAULT_PERCENT);

  /** Probe images per class: validation images no export writes. */
  public static final int PROBE_PER_CLASS = 40;

  /**
   * Draws tried before giving up. On the shipped model about one task in 25 lies in the default
   * band (most of the world's tasks have new classes above 75%), at about a second per probe.
   */
  public static final int MAX_DRAWS = 256;

  public TaskBand {
    check(baseLow, baseHigh);
    check(newLow, newHigh);
  }

  private static void check(double low, double high) {
    if (!(low >= 0 && low < high && high <= 1)) {
      throw new IllegalArgumentException(
          "a band needs 0 <= low < high <= 1, got " + low + "-" + high);
    }
  }

  /**
   * Bands written in percent: {@code LOW-HIGH} for both groups, or {@code LOW-HIGH,LOW-HIGH} for
   * the base then the new classes (e.g. {@code 60-90,60-75}).
   *
   * @throws IllegalArgumentException if it is neither
   */
  public static TaskBand parse(String percent) {
    String[] groups = percent == null ? new String[0] : percent.trim().split(",");
    try {
      if (groups.length == 1 || groups.length == 2) {
        double[] base = range(groups[0]);
        double[] fresh = range(groups[groups.length - 1]);
        return new TaskBand(base[0], base[1], fresh[0], fresh[1]);
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw new IllegalArgumentException(
        "must be LOW-HIGH (both groups) or LOW-HIGH,LOW-HIGH (base, new) in percent with 0 <="
            + " LOW < HIGH <= 100, e.g. 60-90,60-75; got '"
            + percent
            + "'");
  }

  private static double[] range(String text) {
    String[] parts = text.trim().split("-");
    if (parts.length != 2) {
      throw new IllegalArgumentException(text);
    }
    return new double[] {
      Double.parseDouble(parts[0].trim()) / 100, Double.parseDouble(parts[1].trim()) / 100
    };
  }

  /** A task and how it was drawn. */
  public record Drawn(
      WorldTask task, long requestedSeed, int draws, ZeroShotEvaluation.Result probe) {

    /** One line for a console or a log. */
    public String describe(TaskBand band) {
      return String.format(
          Locale.ROOT,
          "task seed %d: %s (zero-shot on %d probe images per class: base %.1f%%, new %.1f%%;"
              + " band %s)",
          requestedSeed,
          draws == 1
              ? "drawn as it is"
              : "redrawn " + (draws - 1) + " time(s), seed " + task.seed(),
          probe.base().images() / Math.max(1, probe.base().classes()),
          100 * probe.base().accuracy(),
          100 * probe.fresh().accuracy(),
          band);
    }
  }

  /** Whether both groups of a probe lie in their bands. */
  public boolean contains(ZeroShotEvaluation.Result probe) {
    double base = probe.base().accuracy();
    double fresh = probe.fresh().accuracy();
    return base >= baseLow && base <= baseHigh && fresh >= newLow && fresh <= newHigh;
  }

  /**
   * The task of {@code seed} in this band for {@code model}.
   *
   * @param progress told every tenth draw how many were tried
   * @throws IllegalStateException when none of {@link #MAX_DRAWS} draws lies in the band
   */
  public Drawn draw(
      ClipModel model,
      long seed,
      int nBase,
      int nNew,
      Style style,
      WorldConfig config,
      IntConsumer progress) {
    return draw(model, seed, nBase, nNew, style, config, PROBE_PER_CLASS, progress);
  }

  /** {@link #draw} with {@code perClass} probe images per class (tests use fewer). */
  Drawn draw(
      ClipModel model,
      long seed,
      int nBase,
      int nNew,
      Style style,
      WorldConfig config,
      int perClass,
      IntConsumer progress) {
    for (int draw = 0; draw < MAX_DRAWS; draw++) {
      if (draw > 0 && draw % 10 == 0) {
        progress.accept(draw);
      }
      WorldTask task = WorldTask.sample(WorldTask.drawSeed(seed, draw), nBase, nNew, style);
      ZeroShotEvaluation.Result probe = ZeroShotEvaluation.probe(model, task, config, perClass);
      if (contains(probe)) {
        return new Drawn(task, seed, draw + 1, probe);
      }
    }
    throw new IllegalStateException(
        "no task drawn from seed "
            + seed
            + " in "
            + MAX_DRAWS
            + " draws has zero-shot accuracy in "
            + this
            + " for this model");
  }

  /** {@code base 60-90%, new 60-75%}. */
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "base %.0f-%.0f%%, new %.0f-%.0f%%",
        100 * baseLow,
        100 * baseHigh,
        100 * newLow,
        100 * newHigh);
  }
}
