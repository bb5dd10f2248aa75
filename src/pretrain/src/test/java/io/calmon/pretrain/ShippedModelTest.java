package io.calmon.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.clip.ClipModel;
import io.calmon.clip.ZeroShotClassifier;
import io.calmon.clip.image.ImagePreprocessor;
import io.calmon.world.DefaultModel;
import io.calmon.world.TaskImages;
import io.calmon.world.WorldClass;
import io.calmon.world.WorldConfig;
import io.calmon.world.WorldTask;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed model (src/world/model) classifies rendered task images zero-shot. */
class ShippedModelTest {

  @Test
  void shouldClassifyDefaultTaskImagesWellAboveChance() {
    try (ClipModel model = ClipModel.load(DefaultModel.path())) {
      int size = model.config().vision().imageSize();
      assertEquals(WorldConfig.defaults().imageSize(), size, "model input = world image size");
      WorldTask task = WorldTask.defaultTask(1);
      TaskImages images = new TaskImages(task, WorldConfig.defaults());
      ImagePreprocessor pre = new ImagePreprocessor(size);
      List<String> names = task.baseClasses().stream().map(WorldClass::name).toList();
      ZeroShotClassifier zs = new ZeroShotClassifier(model, names, task.template());
      List<float[]> pixels = new ArrayList<>();
      List<String> truth = new ArrayList<>();
      for (int label = 0; label < names.size(); label++) {
        for (int i = 0; i < 5; i++) {
          pixels.add(pre.preprocess(images.image(TaskImages.Split.TEST, label, i)));
          truth.add(names.get(label));
        }
      }
      List<ZeroShotClassifier.Prediction> predictions = zs.classify(pixels);
      int right = 0;
      for (int i = 0; i < predictions.size(); i++) {
        right += predictions.get(i).predicted().equals(truth.get(i)) ? 1 : 0;
      }
      // 100 images, 20 classes: chance is 5 right. The shipped model scores 85.5% on the full base
      // test set (src/world/model/README.md); half of this fixed sample, ten times chance, is the
      // bar: a model loaded with a wrong tensor, tokenizer or preprocessing does not reach it.
      assertTrue(right >= 50, right + " of 100 right");
      assertTrue(
          model.logitScale() > Math.log(50), "a logit scale near 74, got ln " + model.logitScale());
    }
  }
}
