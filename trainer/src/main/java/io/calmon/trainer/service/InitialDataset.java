package io.calmon.trainer.service;

import io.calmon.clip.ClipModel;
import io.calmon.clip.image.ImagePreprocessor;
import io.calmon.schemas.ClassSet;
import io.calmon.tuning.data.CoOpDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Version 1 from a CoOp-format dataset: S shots per base class from its train split and min(S, 4)
 * from its val split (also the data the temperature is fitted on), every class of the dataset
 * served.
 */
final class InitialDataset {
  private InitialDataset() {}

  static Retrainer.Job job(
      TrainerSettings settings, ClipModel clip, ImagePreprocessor pre, ClassSet classSet) {
    CoOpDataset dataset = CoOpDataset.load(settings.dataset());
    long seed = settings.tuning().seed();
    int valShots = Math.min(settings.shots(), 4);
    List<float[][]> train = new ArrayList<>();
    List<float[][]> val = new ArrayList<>();
    Map<String, List<float[]>> heldOut = new LinkedHashMap<>();
    for (String c : dataset.baseClasses()) {
      train.add(encode(clip, pre, dataset.sample("train", c, settings.shots(), seed)));
      float[][] v = encode(clip, pre, dataset.sample("val", c, valShots, seed));
      val.add(v);
      heldOut.put(c, List.of(v));
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
        dataset.baseClasses(),
        train,
        val,
        heldOut,
        "dataset validation split",
        false);
  }

  private static float[][] encode(ClipModel clip, ImagePreprocessor pre, List<Path> files) {
    if (files.isEmpty()) {
      return new float[0][];
    }
    List<float[]> pixels = files.stream().map(pre::preprocess).toList();
    return clip.imageFeatures(pixels);
  }
}
