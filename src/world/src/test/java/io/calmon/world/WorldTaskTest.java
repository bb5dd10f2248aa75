package io.calmon.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorldTaskTest {
  @Test
  void shouldDrawBaseAndNewClassesThatShareNoWord() {
    for (long seed = 0; seed < 20; seed++) {
      WorldTask task = WorldTask.defaultTask(seed);
      assertEquals(20, task.baseClasses().size());
      assertEquals(20, task.newClasses().size());
      Set<String> base = Vocabulary.classWords(task.baseClasses());
      Set<String> fresh = Vocabulary.classWords(task.newClasses());
      Set<String> shared = new HashSet<>(base);
      shared.retainAll(fresh);
      assertTrue(shared.isEmpty(), "seed " + seed + " shares " + shared);
      assertEquals(40, new HashSet<>(task.classes()).size(), "classes are distinct");
    }
  }

  @Test
  void shouldSortEachSideByName() {
    WorldTask task = WorldTask.sample(3, 6, 5, Style.SKETCH);
    assertEquals(task.baseClasses().stream().sorted().toList(), task.baseClasses());
    assertEquals(task.newClasses().stream().sorted().toList(), task.newClasses());
    assertTrue(task.isBase(5));
    assertTrue(!task.isBase(6));
  }

  @Test
  void shouldDrawDifferentClassesForDifferentSeeds() {
    assertEquals(WorldTask.defaultTask(1), WorldTask.defaultTask(1));
    assertNotEquals(WorldTask.defaultTask(1).classes(), WorldTask.defaultTask(2).classes());
  }

  @Test
  void shouldRefuseTasksLargerThanTheWorld() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> WorldTask.sample(1, 80, 80, Style.PHOTO));
    assertTrue(e.getMessage().contains("base=80"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> WorldTask.sample(1, 0, 3, Style.PHOTO));
  }

  @Test
  void shouldDrawEveryTaskImageInTheTaskStyleAndClass() {
    WorldTask task = WorldTask.sample(5, 3, 3, Style.PAINTING);
    TaskImages images = new TaskImages(task, WorldConfig.defaults());
    for (int label = 0; label < 6; label++) {
      Scene s = images.scene(TaskImages.Split.TEST, label, 0);
      assertEquals(Style.PAINTING, s.style());
      assertEquals(task.classes().get(label), s.worldClass());
    }
  }
}
