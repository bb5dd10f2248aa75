package io.calmon.tuning;

import java.util.List;

/**
 * What a tuning run learns from: the base class names and, per class, the cached image features
 * (unnormalised rows, as {@code ClipModel.imageFeatures} returns them) of its few-shot training and
 * validation images. The trainer service builds this from feature stores; the harness from a
 * dataset.
 *
 * @param classNames base class names; label i is {@code classNames.get(i)}
 * @param train per class, its training features (at least one class must have some)
 * @param val per class, its validation features (may be empty lists)
 */
public record FewShotFeatures(List<String> classNames, List<float[][]> train, List<float[][]> val) {

  public FewShotFeatures {
    classNames = List.copyOf(classNames);
    train = List.copyOf(train);
    val = List.copyOf(val);
    if (classNames.isEmpty()) {
      throw new IllegalArgumentException("no base classes");
    }
    if (train.size() != classNames.size() || val.size() != classNames.size()) {
      throw new IllegalArgumentException(
          classNames.size()
              + " classes but "
              + train.size()
              + " training and "
              + val.size()
              + " validation feature sets");
    }
  }

  /** Number of training images. */
  public int trainSize() {
    return train.stream().mapToInt(a -> a.length).sum();
  }

  /** Number of validation images. */
  public int valSize() {
    return val.stream().mapToInt(a -> a.length).sum();
  }
}
