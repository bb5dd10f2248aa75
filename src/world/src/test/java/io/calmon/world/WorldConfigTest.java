package io.calmon.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorldConfigTest {
  @Test
  void shouldNameTheKeyAndRangeOfABadValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WorldConfig.builder().optColourJitter(0.9).build());
    assertTrue(e.getMessage().contains("colourJitter"), e.getMessage());
    assertTrue(e.getMessage().contains("0.5"), e.getMessage());
  }

  @Test
  void shouldRefuseAMinimumSizeAboveTheMaximum() {
    assertThrows(
        IllegalArgumentException.class,
        () -> WorldConfig.builder().optSizes(ObjectSize.LARGE, ObjectSize.TINY).build());
  }

  @Test
  void shouldRoundTripThroughItsBuilder() {
    WorldConfig c = WorldConfig.builder().optImageSize(64).optMaxClutter(4).build();
    assertEquals(c, c.toBuilder().build());
    assertEquals(64, c.imageSize());
  }
}
