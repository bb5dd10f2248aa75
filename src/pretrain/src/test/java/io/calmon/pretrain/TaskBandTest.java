package io.calmon.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.clip.ClipModel;
import io.calmon.world.DefaultModel;
import io.calmon.world.WorldConfig;
import io.calmon.world.WorldTask;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link TaskBand} on the shipped model, whose task 1 is in the default band and task 2 not. */
class TaskBandTest {

  /** Probe images per class: fewer than a real draw's, enough for these tasks' margins. */
  private static final int PROBE = 10;

  private static ClipModel model;

  @BeforeAll
  static void load() {
    model = ClipModel.load(DefaultModel.path());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void shouldTakeATaskInTheBandAsItIs() {
    TaskBand.Drawn drawn = draw(TaskBand.DEFAULT, 1, n -> {});
    assertEquals(1, drawn.draws());
    assertEquals(1, drawn.task().seed(), "the reproduction's task stays task 1");
    assertTrue(TaskBand.DEFAULT.contains(drawn.probe()));
  }

  @Test
  void shouldRedrawATaskWhoseNewClassesAreTooEasyUntilOneIsInTheBand() {
    // Task seed 2's new classes: about 92% zero-shot, above a band that ends at 90% (a wider
    // band than the default, so that few draws find one).
    TaskBand band = new TaskBand(0.6, 0.9, 0.6, 0.9);
    ZeroShotEvaluation.Result asItIs =
        ZeroShotEvaluation.probe(model, WorldTask.defaultTask(2), WorldConfig.defaults(), PROBE);
    assertTrue(asItIs.fresh().accuracy() > 0.9, "task 2 new: " + asItIs.fresh().accuracy());

    List<Integer> told = new ArrayList<>();
    TaskBand.Drawn drawn = draw(band, 2, told::add);
    assertTrue(drawn.draws() > 1);
    assertEquals(WorldTask.drawSeed(2, drawn.draws() - 1), drawn.task().seed());
    assertTrue(band.contains(drawn.probe()), drawn.describe(band));
    assertEquals((drawn.draws() - 1) / 10, told.size(), "progress every tenth draw");
  }

  @Test
  void shouldReadOneBandForBothGroupsOrOneEachAndRefuseTheRest() {
    assertEquals(new TaskBand(0.6, 0.9, 0.6, 0.9), TaskBand.parse("60-90"));
    assertEquals(new TaskBand(0.6, 0.9, 0.6, 0.75), TaskBand.parse(" 60-90 , 60-75 "));
    assertEquals(TaskBand.parse(TaskBand.DEFAULT_PERCENT), TaskBand.DEFAULT);
    for (String bad : new String[] {"", "60", "90-60", "60-120", "a-b", "1-2,3-4,5-6"}) {
      assertThrows(IllegalArgumentException.class, () -> TaskBand.parse(bad), bad);
    }
  }

  private static TaskBand.Drawn draw(TaskBand band, long seed, IntConsumer progress) {
    WorldTask shape = WorldTask.defaultTask(seed);
    return band.draw(
        model,
        seed,
        shape.baseClasses().size(),
        shape.newClasses().size(),
        shape.style(),
        WorldConfig.defaults(),
        PROBE,
        progress);
  }
}
