package io.calmon.tuning.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * CoOp's few-shot sampling, seeded: S images per base class for training, min(S, 4) for validation
 * (all of a class's images when it has fewer).
 */
public final class FewShotSampler {
  private FewShotSampler() {}

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
