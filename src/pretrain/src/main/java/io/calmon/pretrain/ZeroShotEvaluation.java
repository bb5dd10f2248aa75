package io.calmon.pretrain;

import io.calmon.clip.ClipModel;
import io.calmon.clip.Similarity;
import io.calmon.clip.image.ImagePreprocessor;
import io.calmon.core.calibration.ExpectedCalibrationError;
import io.calmon.core.calibration.TopLabelRows;
import io.calmon.world.TaskImages;
import io.calmon.world.WorldClass;
import io.calmon.world.WorldConfig;
import io.calmon.world.WorldTask;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Zero-shot accuracy and ECE (15 equal-width bins) of a CLIP on a world task, base-to-new style:
 * base test images are classified among the base class names only, new among the new only, each
 * with the task's template. A third group, <em>held-out compositions</em>, crosses the two sides
 * (base colours with new shapes and new colours with base shapes): classes the task never uses,
 * made of its words, in the task's style; it shows whether the model binds colour to shape rather
 * than memorising the task's pairs.
 */
public final class ZeroShotEvaluation {

  /**
   * Accuracy and ECE of one group of classes, and how often the predicted class had the right
   * colour and the right shape (which of the two words the model fails on).
   */
  public record Group(
      String name,
      int classes,
      int images,
      double accuracy,
      double ece,
      double colourAccuracy,
      double shapeAccuracy) {
    /** A one-line rendering, in percent. */
    public String line() {
      return String.format(
          "%-22s %2d classes, %5d images: accuracy %5.1f%%, ECE %5.2f%% (colour right %5.1f%%,"
              + " shape right %5.1f%%)",
          name,
          classes,
          images,
          100 * accuracy,
          100 * ece,
          100 * colourAccuracy,
          100 * shapeAccuracy);
    }
  }

  /** The three groups; {@code heldOut} is null for a {@link #probe}. */
  public record Result(Group base, Group fresh, Group heldOut) {
    public List<Group> groups() {
      return heldOut == null ? List.of(base, fresh) : List.of(base, fresh, heldOut);
    }
  }

  private ZeroShotEvaluation() {}

  /**
   * Evaluates {@code model} on {@code perClass} test images of each class of {@code task}, drawn
   * with {@code config} (its image size must be the model's).
   */
  public static Result evaluate(ClipModel model, WorldTask task, WorldConfig config, int perClass) {
    TaskImages images = new TaskImages(task, config);
    int nBase = task.baseClasses().size();
    List<Integer> baseLabels = IntStream.range(0, nBase).boxed().toList();
    List<Integer> newLabels = IntStream.range(nBase, task.classes().size()).boxed().toList();
    Group base = group(model, task, "base", task.baseClasses(), images, baseLabels, TEST, perClass);
    Group fresh = group(model, task, "new", task.newClasses(), images, newLabels, TEST, perClass);
    WorldTask crossed = crossed(task);
    TaskImages crossedImages = new TaskImages(crossed, config);
    List<Integer> crossedLabels = IntStream.range(0, crossed.classes().size()).boxed().toList();
    Group heldOut =
        group(
            model,
            crossed,
            "held-out compositions",
            crossed.classes(),
            crossedImages,
            crossedLabels,
            TEST,
            perClass);
    return new Result(base, fresh, heldOut);
  }

  /**
   * Zero-shot base and new groups of {@code task} on {@code perClass} probe images per class:
   * validation images far past any that {@code TaskExporter} writes, so a task chosen by its probe
   * is not chosen on the images it is later tested on.
   */
  public static Result probe(ClipModel model, WorldTask task, WorldConfig config, int perClass) {
    TaskImages images = new TaskImages(task, config);
    int nBase = task.baseClasses().size();
    List<Integer> baseLabels = IntStream.range(0, nBase).boxed().toList();
    List<Integer> newLabels = IntStream.range(nBase, task.classes().size()).boxed().toList();
    return new Result(
        group(model, task, "base", task.baseClasses(), images, baseLabels, PROBE, perClass),
        group(model, task, "new", task.newClasses(), images, newLabels, PROBE, perClass),
        null);
  }

  /** Where a group's images come from: a split and the index of its first image per class. */
  private record Source(TaskImages.Split split, long firstIndex) {}

  private static final Source TEST = new Source(TaskImages.Split.TEST, 0);
  private static final Source PROBE = new Source(TaskImages.Split.VAL, 1_000_000_000L);

  /**
   * The task's crossed compositions as a task of their own: base colours x new shapes, then new
   * colours x base shapes (sorted), same seed and style.
   */
  static WorldTask crossed(WorldTask task) {
    List<WorldClass> a = new ArrayList<>();
    List<WorldClass> b = new ArrayList<>();
    var baseColours = task.baseClasses().stream().map(WorldClass::colour).distinct().toList();
    var baseShapes = task.baseClasses().stream().map(WorldClass::shape).distinct().toList();
    var newColours = task.newClasses().stream().map(WorldClass::colour).distinct().toList();
    var newShapes = task.newClasses().stream().map(WorldClass::shape).distinct().toList();
    baseColours.forEach(c -> newShapes.forEach(s -> a.add(new WorldClass(c, s))));
    newColours.forEach(c -> baseShapes.forEach(s -> b.add(new WorldClass(c, s))));
    a.sort(null);
    b.sort(null);
    return new WorldTask(task.seed() + 1, task.style(), a, b, task.template());
  }

  private static Group group(
      ClipModel model,
      WorldTask task,
      String name,
      List<WorldClass> classes,
      TaskImages source,
      List<Integer> labels,
      Source from,
      int perClass) {
    ImagePreprocessor pre = new ImagePreprocessor(model.config().vision().imageSize());
    List<String> prompts = new ArrayList<>();
    for (WorldClass c : classes) {
      prompts.add(task.template().replace("{}", c.name()));
    }
    float[][] text = model.textFeatures(prompts);
    int n = labels.size() * perClass;
    float[][] pixels = new float[n][];
    int[] truth = new int[n];
    int first = labels.get(0);
    IntStream.range(0, n)
        .parallel()
        .forEach(
            k -> {
              int label = labels.get(k / perClass);
              BufferedImage img =
                  source.image(from.split(), label, from.firstIndex() + k % perClass);
              pixels[k] = pre.preprocess(img);
              truth[k] = label - first;
            });
    float[][] probs = Similarity.softmax(model.logits(model.imageFeatures(List.of(pixels)), text));
    double[] confidence = new double[n];
    boolean[] correct = new boolean[n];
    int right = 0;
    int colourRight = 0;
    int shapeRight = 0;
    for (int k = 0; k < n; k++) {
      int best = 0;
      for (int j = 1; j < probs[k].length; j++) {
        if (probs[k][j] > probs[k][best]) {
          best = j;
        }
      }
      confidence[k] = Math.min(1.0, probs[k][best]);
      correct[k] = best == truth[k];
      right += correct[k] ? 1 : 0;
      WorldClass predicted = classes.get(best);
      WorldClass actual = classes.get(truth[k]);
      colourRight += predicted.colour() == actual.colour() ? 1 : 0;
      shapeRight += predicted.shape() == actual.shape() ? 1 : 0;
    }
    double ece = ExpectedCalibrationError.of(new TopLabelRows(confidence, correct), 15);
    return new Group(
        name,
        classes.size(),
        n,
        (double) right / n,
        ece,
        (double) colourRight / n,
        (double) shapeRight / n);
  }
}
