package io.calmon.tuning.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FewShotSamplerTest {

  @TempDir Path dir;

  @Test
  void shouldDrawTrainThenValShotsOfEveryBaseClassWithOneSeededRandom() throws IOException {
    ImageDataset data = dataset(new int[] {10, 2, 10, 10}, 5);
    FewShotSampler.Shots shots = FewShotSampler.draw(data, 6, 7);

    assertEquals(2, shots.train().size(), "base classes only: the first half of 4");
    assertEquals(6, shots.train().get(0).size());
    assertEquals(2, shots.train().get(1).size(), "all of a class with fewer images");
    assertEquals(4, shots.val().get(0).size(), "min(shots, 4) from val");
    for (int c = 0; c < 2; c++) {
      for (ImageDataset.Item i : shots.train().get(c)) {
        assertEquals(c, i.label());
      }
    }
    // The contract the trainer and the harness share: one Random(seed), train classes in order,
    // then val.
    Random rng = new Random(7);
    assertEquals(
        FewShotSampler.sample(ImageDataset.byLabel(data.train(), 0, 2), 6, rng), shots.train());
    assertEquals(
        FewShotSampler.sample(ImageDataset.byLabel(data.val(), 0, 2), 4, rng), shots.val());
    assertEquals(shots, FewShotSampler.draw(data, 6, 7));
    assertNotEquals(shots.train(), FewShotSampler.draw(data, 6, 8).train());
  }

  @Test
  void shouldNameABaseClassWithoutTrainingImages() throws IOException {
    ImageDataset data = dataset(new int[] {3, 0, 3, 3}, 1);
    DatasetException e =
        assertThrows(DatasetException.class, () -> FewShotSampler.draw(data, 2, 1));
    assertTrue(e.getMessage().contains("'class 1'"), e.getMessage());
  }

  /** A CoOp-format split: {@code train[c]} train images of class c, {@code val} of each, 1 test. */
  private ImageDataset dataset(int[] train, int val) throws IOException {
    List<String> rows = new ArrayList<>();
    StringBuilder json = new StringBuilder("{");
    String[] splits = {"train", "val", "test"};
    for (int s = 0; s < 3; s++) {
      rows.clear();
      for (int c = 0; c < train.length; c++) {
        int n = s == 0 ? train[c] : s == 1 ? val : 1;
        for (int k = 0; k < n; k++) {
          rows.add(
              "[\"" + splits[s] + "/" + c + "_" + k + ".png\", " + c + ", \"class " + c + "\"]");
        }
      }
      json.append(s == 0 ? "" : ",").append('"').append(splits[s]).append("\": [");
      json.append(String.join(",", rows)).append(']');
    }
    Files.writeString(dir.resolve("split_zhou_test.json"), json.append('}').toString());
    return ImageDataset.load(dir, dir);
  }
}
