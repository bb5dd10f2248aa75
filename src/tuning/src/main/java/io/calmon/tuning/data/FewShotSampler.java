package io.calmon.tuning.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * CoOp's few-shot sampling, seeded: S images per base class for training, min(S, 4) for validation
 * (all of a class's images when it has fewer). {@link #draw} is the one draw of a tuning run's
 * shots from a dataset: the base-to-new harness, {@code calmon train} and the trainer's version 1
 * all go through it, so one seed gives them the same shots.
 */
public final class FewShotSampler {
  private FewShotSampler() {}

  /**
   * One tuning run's shots, per base class in label order.
   *
   * @param train up to S items of each base class from the train split
   * @param val up to min(S, 4) items of each base class from the val split
   */
  public record Shots(List<List<ImageDataset.Item>> train, List<List<ImageDataset.Item>> val) {}

  /**
   * Draws {@code shots} train items and min({@code shots}, 4) val items of every base class of
   * {@code data} with one {@code Random(seed)}: train classes in label order, then val.
   *
   * @throws DatasetException naming a base class without training images
   */
  public static Shots draw(ImageDataset data, int shots, long seed) {
    int nBase = data.baseCount();
    List<List<ImageDataset.Item>> trainAll = ImageDataset.byLabel(data.train(), 0, nBase);
    for (int c = 0; c < nBase; c++) {
      if (trainAll.get(c).isEmpty()) {
        throw new DatasetException(
            "base class '" + data.classNames().get(c) + "' has no training images");
      }
    }
    Random rng = new Random(seed);
    List<List<ImageDataset.Item>> train = sample(trainAll, shots, rng);
    List<List<ImageDataset.Item>> val =
        sample(ImageDataset.byLabel(data.val(), 0, nBase), Math.min(shots, 4), rng);
    return new Shots(train, val);
  }

  /** Up to {@code shots} items of each class list, drawn without replacement. */
  public static List<List<ImageDataset.Item>> sample(
      List<List<ImageDataset.Item>> perClass, int shots, Random rng) {
    List<List<ImageDataset.Item>> out = new ArrayList<>();
    for (List<ImageDataset.Item> items : perClass) {
      List<ImageDataset.Item> copy = new ArrayList<>(items);
      Collections.shuffle(copy, rng);
      out.add(List.copyOf(copy.subList(0, Math.min(shots, copy.size()))));
    }
    return out;
  }
}
