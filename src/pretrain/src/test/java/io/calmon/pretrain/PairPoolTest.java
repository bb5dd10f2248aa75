package io.calmon.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.world.Scene;
import io.calmon.world.WorldConfig;
import io.calmon.world.WorldPretrainingData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairPoolTest {
  @Test
  void shouldGiveTheSameLookExactlyToScenesSharingStyleBackgroundAndColour() {
    WorldPretrainingData data = new WorldPretrainingData(WorldConfig.defaults(), 3);
    List<Scene> scenes = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      scenes.add(data.get(i).scene());
    }
    int sameLook = 0;
    for (Scene a : scenes) {
      for (Scene b : scenes) {
        boolean same =
            a.style() == b.style()
                && a.background() == b.background()
                && a.worldClass().colour() == b.worldClass().colour();
        assertEquals(same, PairPool.look(a) == PairPool.look(b), a + " vs " + b);
        sameLook += same && a != b ? 1 : 0;
      }
    }
    assertTrue(sameLook > 0, "the sample should hold pairs that share a look");
  }
}
