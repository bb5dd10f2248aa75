package io.calmon.tuning.data;

import io.calmon.clip.ClipModel;
import io.calmon.clip.image.ImagePreprocessor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Image features of one frozen model, computed once per image and kept in memory: tuning never runs
 * the image encoder (no augmentation, as the feature-caching shortcut requires).
 */
public final class FeatureCache {
  private final ClipModel clip;
  private final ImagePreprocessor preprocessor;
  private final Map<Path, float[]> features = new HashMap<>();

  public FeatureCache(ClipModel clip) {
    this.clip = clip;
    this.preprocessor = new ImagePreprocessor(clip.config().vision().imageSize());
  }

  /** Features of {@code items}, in order; computes (batched) those not cached yet. */
  public synchronized float[][] of(List<ImageDataset.Item> items) {
    List<Path> missing = new ArrayList<>();
    for (ImageDataset.Item i : items) {
      if (!features.containsKey(i.path()) && !missing.contains(i.path())) {
        missing.add(i.path());
      }
    }
    for (int start = 0; start < missing.size(); start += 256) {
      List<Path> chunk = missing.subList(start, Math.min(missing.size(), start + 256));
      List<float[]> pixels = new ArrayList<>();
      for (Path p : chunk) {
        try {
          pixels.add(preprocessor.preprocess(p));
        } catch (RuntimeException e) {
          throw new DatasetException("cannot read image " + p + ": " + e.getMessage(), e);
        }
      }
      float[][] f = clip.imageFeatures(pixels);
      for (int i = 0; i < chunk.size(); i++) {
        features.put(chunk.get(i), f[i]);
      }
    }
    return items.stream().map(i -> features.get(i.path())).toArray(float[][]::new);
  }

  public synchronized int size() {
    return features.size();
  }
}
