package io.calmon.trainer.service;

import io.calmon.clip.ClipModel;
import io.calmon.clip.image.ImagePreprocessor;
import io.calmon.schemas.ClassSet;
import io.calmon.tuning.data.FewShotSampler;
import io.calmon.tuning.data.ImageDataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Version 1 from a CoOp-format dataset: S shots per base class from its train split and min(S, 4)
 * from its val split (also the data the temperature is fitted on), every class of the dataset
 * served. The shots are {@link FewShotSampler#draw}'s for the tuning seed: the same as {@code
 * calmon eval base2new} tunes on with that seed.
 */
final class InitialDataset {
  private InitialDataset() {}

  static Retrainer.Job job(
      TrainerSettings settings, ClipModel clip, ImagePreprocessor pre, ClassSet classSet) {
    ImageDataset dataset = ImageDataset.load(settings.dataset(), null);
    List<String> base = dataset.classNames().subList(0, dataset.baseCount());
    FewShotSampler.Shots shots =
        FewShotSampler.draw(dataset, settings.shots(), settings.tuning().seed());
    List<float[][]> train = new ArrayList<>();
    List<float[][]> val = new ArrayList<>();
    Map<String, List<float[]>> heldOut = new LinkedHashMap<>();
    for (int c = 0; c < base.size(); c++) {
      train.add(encode(clip, pre, shots.train().get(c)));
      float[][] v = encode(clip, pre, shots.val().get(c));
      val.add(v);
      heldOut.put(base.get(c), List.of(v));
    }
    LinkedHashSet<String> served = new LinkedHashSet<>();
    if (classSet != null) {
      served.addAll(classSet.getClassNames());
    }
    served.addAll(dataset.classNames());
    return new Retrainer.Job(
        null,
        null,
        List.copyOf(served),
        List.copyOf(served),
        List.copyOf(base),
        train,
        val,
        heldOut,
        "dataset validation split",
        false);
  }

  private static float[][] encode(
      ClipModel clip, ImagePreprocessor pre, List<ImageDataset.Item> items) {
    if (items.isEmpty()) {
      return new float[0][];
    }
    List<float[]> pixels = items.stream().map(i -> pre.preprocess(i.path())).toList();
    return clip.imageFeatures(pixels);
  }
}
