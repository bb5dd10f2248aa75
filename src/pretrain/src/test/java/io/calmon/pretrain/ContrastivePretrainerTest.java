package io.calmon.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.clip.ClipModel;
import io.calmon.world.WorldConfig;
import io.calmon.world.WorldTask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContrastivePretrainerTest {
  @TempDir Path dir;

  private static PretrainOptions tiny(int steps) {
    WorldConfig world = WorldConfig.builder().optImageSize(32).build();
    return new PretrainOptions(
        7, steps, 8, 16, ModelPreset.TINY, world, 3e-3f, 1, 0.1f, (float) Math.log(1 / 0.07), 1, 0);
  }

  private static final class Recorder implements ContrastivePretrainer.Listener {
    final List<ContrastivePretrainer.Progress> progress = new ArrayList<>();
    final List<String> messages = new ArrayList<>();

    @Override
    public void message(String text) {
      messages.add(text);
    }

    @Override
    public void progress(ContrastivePretrainer.Progress p) {
      progress.add(p);
    }
  }

  @Test
  void shouldTrainChangeTheWeightsAndSaveALoadableModel() throws Exception {
    Recorder r = new Recorder();
    float[] before;
    try (ClipModel fresh = ClipModel.random(ModelPreset.TINY.config(32, 140), 7, null)) {
      before = fresh.trainableParameters().get("visual_projection.weight").toFloatArray();
    }
    try (ClipModel model = new ContrastivePretrainer(tiny(4)).train(dir, r, 1, 0)) {
      assertEquals(4, r.progress.size());
      assertEquals(4, r.progress.get(3).step());
      assertTrue(Float.isFinite(r.progress.get(3).loss()));
      float[] after = model.trainableParameters().get("visual_projection.weight").toFloatArray();
      assertTrue(!java.util.Arrays.equals(before, after), "weights moved");
      model.save(dir);
    }
    try (ClipModel loaded = ClipModel.load(dir)) {
      ZeroShotEvaluation.Result result =
          ZeroShotEvaluation.evaluate(
              loaded, WorldTask.defaultTask(1), WorldConfig.builder().optImageSize(32).build(), 1);
      assertEquals(20, result.base().images());
      assertEquals(40, result.heldOut().classes());
    }
  }

  @Test
  void shouldBeDeterministicForASeed() throws Exception {
    float[] a;
    float[] b;
    try (ClipModel m = new ContrastivePretrainer(tiny(2)).train(dir, new Recorder(), 0, 0)) {
      a = m.trainableParameters().get("text_projection.weight").toFloatArray();
    }
    try (ClipModel m = new ContrastivePretrainer(tiny(2)).train(dir, new Recorder(), 0, 0)) {
      b = m.trainableParameters().get("text_projection.weight").toFloatArray();
    }
    assertArrayEquals(a, b, 1e-5f);
  }

  @Test
  void shouldTakeTheTextTowerFromAnotherModelAndNothingElse() throws Exception {
    Path source = dir.resolve("source");
    java.nio.file.Files.createDirectories(source);
    try (ClipModel m = new ContrastivePretrainer(tiny(2)).train(source, new Recorder(), 0, 0)) {
      m.save(source);
    }
    try (ClipModel src = ClipModel.load(source);
        ClipModel fresh = ClipModel.random(ModelPreset.TINY.config(32, 140), 99, null)) {
      float[] visionBefore =
          fresh.trainableParameters().get("visual_projection.weight").toFloatArray();
      int copied = ContrastivePretrainer.copyTextTower(source, fresh);
      assertTrue(copied > 4, "copied " + copied);
      for (var e : fresh.trainableParameters().entrySet()) {
        float[] mine = e.getValue().toFloatArray();
        float[] theirs = src.trainableParameters().get(e.getKey()).toFloatArray();
        boolean text = e.getKey().startsWith("text_");
        assertEquals(text, java.util.Arrays.equals(mine, theirs), e.getKey());
      }
      assertArrayEquals(
          visionBefore, fresh.trainableParameters().get("visual_projection.weight").toFloatArray());
    }
  }

  private static PretrainOptions tinyDeeperText(int steps) {
    PretrainOptions o = tiny(steps);
    return new PretrainOptions(
        o.seed(),
        o.steps(),
        o.batch(),
        o.pool(),
        o.preset(),
        o.world(),
        o.peakLearningRate(),
        o.warmupSteps(),
        o.weightDecay(),
        o.logitScaleInit(),
        o.group(),
        2);
  }

  private Path trainedTinyModel() throws Exception {
    Path source = dir.resolve("source");
    java.nio.file.Files.createDirectories(source);
    try (ClipModel m = new ContrastivePretrainer(tiny(2)).train(source, new Recorder(), 0, 0)) {
      m.save(source);
    }
    return source;
  }

  private static long[][] someCaptions() {
    return new long[][] {{138, 5, 9, 17, 139, 0}, {138, 40, 2, 139, 0, 0}, {138, 77, 139, 0, 0, 0}};
  }

  @Test
  void shouldStartALockedImageRunWithExtraTextBlocksAsTheSameModel() throws Exception {
    Path source = trainedTinyModel();
    try (ClipModel src = ClipModel.load(source);
        ClipModel deeper = ClipModel.random(ModelPreset.TINY.config(32, 140, 2), 99, null)) {
      assertEquals(
          1, ContrastivePretrainer.copyForLockedImage(source, deeper, true), "identity blocks");
      float[][] want = src.textFeaturesFromIds(someCaptions());
      float[][] got = deeper.textFeaturesFromIds(someCaptions());
      for (int i = 0; i < want.length; i++) {
        assertArrayEquals(want[i], got[i], 1e-5f, "caption " + i);
      }
      assertEquals(src.logitScale(), deeper.logitScale());
      assertTrue(
          deeper.trainableParameters().keySet().stream().anyMatch(n -> n.contains(".layers.1.")),
          "the second text block exists");
    }
  }

  @Test
  void shouldTrainOnlyTheTextTowerWhenTheImageTowerIsLocked() throws Exception {
    Path source = trainedTinyModel();
    Path work = dir.resolve("lit");
    java.nio.file.Files.createDirectories(work);
    Recorder r = new Recorder();
    try (ClipModel src = ClipModel.load(source);
        ClipModel lit =
            new ContrastivePretrainer(tinyDeeperText(3), null, null, source).train(work, r, 1, 0)) {
      assertEquals(2, lit.config().text().numHiddenLayers());
      var before = src.slots();
      int textMoved = 0;
      for (var e : lit.slots().entrySet()) {
        String name = e.getKey();
        float[] mine = e.getValue().parameter().getArray().toFloatArray();
        if (name.startsWith("vision_model.") || name.startsWith("visual_projection.")) {
          assertArrayEquals(
              before.get(name).parameter().getArray().toFloatArray(), mine, 0f, name + " locked");
        } else if (before.containsKey(name)
            && !java.util.Arrays.equals(
                before.get(name).parameter().getArray().toFloatArray(), mine)) {
          textMoved++;
        }
      }
      assertTrue(textMoved > 4, "text arrays trained: " + textMoved);
      assertTrue(
          r.messages.stream().anyMatch(m -> m.contains("image tower locked")),
          r.messages.toString());
    }
  }

  @Test
  void shouldKeepARandomTextTowerWhenAskedForAFreshOne() throws Exception {
    Path source = trainedTinyModel();
    try (ClipModel src = ClipModel.load(source);
        ClipModel fresh = ClipModel.random(ModelPreset.TINY.config(32, 140, 2), 99, null);
        ClipModel untouched = ClipModel.random(ModelPreset.TINY.config(32, 140, 2), 99, null)) {
      assertEquals(0, ContrastivePretrainer.copyForLockedImage(source, fresh, false));
      for (var e : fresh.trainableParameters().entrySet()) {
        String name = e.getKey();
        float[] want =
            name.startsWith("text_")
                ? untouched.trainableParameters().get(name).toFloatArray()
                : src.trainableParameters().get(name).toFloatArray();
        assertArrayEquals(want, e.getValue().toFloatArray(), 0f, name);
      }
    }
    assertThrows(
        IllegalStateException.class, () -> new ContrastivePretrainer(tiny(2)).withFreshText());
  }

  @Test
  void shouldRefuseToLockTheImageTowerOfAnotherArchitecture() throws Exception {
    Path source = trainedTinyModel();
    try (ClipModel other = ClipModel.random(ModelPreset.SMALL.config(32, 140), 1, null)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> ContrastivePretrainer.copyForLockedImage(source, other, true));
      assertTrue(e.getMessage().contains("cannot lend its image tower"), e.getMessage());
    }
  }

  @Test
  void shouldShareTargetsBetweenIdenticalCaptions() {
    float[] t = ContrastivePretrainer.targets(new long[][] {{2, 5, 9}, {2, 6, 9}, {2, 5, 9}});
    assertArrayEquals(new float[] {0.5f, 0, 0.5f, 0, 1, 0, 0.5f, 0, 0.5f}, t, 1e-6f);
  }

  @Test
  void shouldRejectAPoolSmallerThanABatch() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new PretrainOptions(
                    1, 1, 8, 4, ModelPreset.TINY, WorldConfig.defaults(), 1e-3f, 0, 0f, 2f, 1, 0));
    assertTrue(e.getMessage().contains("pool"), e.getMessage());
  }

  @Test
  void shouldCrossBaseAndNewWordsForHeldOutCompositions() {
    WorldTask task = WorldTask.defaultTask(1);
    WorldTask crossed = ZeroShotEvaluation.crossed(task);
    assertEquals(40, crossed.classes().size());
    for (var c : crossed.classes()) {
      assertTrue(!task.classes().contains(c), c + " is a task class");
    }
  }
}
