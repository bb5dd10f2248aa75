package io.calmon.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WorldTrafficTest {
  private static final WorldConfig CONFIG = WorldConfig.builder().optImageSize(32).build();
  private static final WorldTask TASK = WorldTask.sample(2, 4, 4, Style.SKETCH);

  @Test
  void shouldReplayTheSameEventsForTheSameSeed() {
    WorldTraffic a = new WorldTraffic(TASK, CONFIG, 9, TrafficDrift.none());
    WorldTraffic b = new WorldTraffic(TASK, CONFIG, 9, TrafficDrift.none());
    for (long i = 0; i < 10; i++) {
      WorldTraffic.Event x = a.event(i);
      WorldTraffic.Event y = b.event(i);
      assertEquals("world-9-" + i, x.eventId());
      assertEquals(x.trueClass(), y.trueClass());
      assertArrayEquals(x.png(), y.png());
      assertEquals(TASK.classes().get(x.label()).name(), x.trueClass());
      assertEquals(!TASK.isBase(x.label()), x.newClass());
    }
  }

  @Test
  void shouldShiftTrafficTowardsNewClasses() {
    WorldTraffic traffic =
        new WorldTraffic(TASK, CONFIG, 1, TrafficDrift.none().withNewClassShare(1.0));
    for (long i = 0; i < 20; i++) {
      assertTrue(traffic.event(i).newClass());
    }
    WorldTraffic baseOnly = traffic.withDrift(TrafficDrift.none().withNewClassShare(0.0));
    for (long i = 0; i < 20; i++) {
      assertFalse(baseOnly.event(i).newClass());
    }
  }

  @Test
  void shouldApplyStyleBackgroundAndDegradationDrift() {
    TrafficDrift drift =
        TrafficDrift.none()
            .withStyle(Style.PHOTO)
            .withBackgrounds(List.of(Background.NIGHT))
            .withDegradation(0.2, 1.5);
    WorldTraffic traffic = new WorldTraffic(TASK, CONFIG, 1, drift);
    WorldTraffic calm = traffic.withDrift(TrafficDrift.none());
    for (long i = 0; i < 10; i++) {
      Scene s = traffic.event(i).scene();
      assertEquals(Style.PHOTO, s.style());
      assertEquals(Background.NIGHT, s.background());
      assertEquals(1.5, s.extraBlur());
      assertTrue(s.noiseStd() >= 0.2);
      assertEquals(TASK.style(), calm.event(i).scene().style());
    }
  }

  @Test
  void shouldRefuseDriftOutsideItsRange() {
    assertThrows(IllegalArgumentException.class, () -> TrafficDrift.none().withNewClassShare(1.5));
    assertThrows(IllegalArgumentException.class, () -> TrafficDrift.none().withDegradation(-1, 0));
  }
}
