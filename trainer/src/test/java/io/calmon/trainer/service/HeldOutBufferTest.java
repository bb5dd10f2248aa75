package io.calmon.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeldOutBufferTest {

  @Test
  void shouldHoldOutTheSameEventsForTheSameSeed() {
    List<Boolean> first = new ArrayList<>();
    List<Boolean> second = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      first.add(HeldOutBuffer.isHeldOut("event-" + i, 7, 5));
    }
    for (int i = 0; i < 500; i++) {
      second.add(HeldOutBuffer.isHeldOut("event-" + i, 7, 5));
    }
    assertEquals(first, second);
  }

  @Test
  void shouldHoldOutAboutOneInN() {
    int held = 0;
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      held += HeldOutBuffer.isHeldOut("e" + i, 1, 5) ? 1 : 0;
    }
    // Binomial(10000, 0.2): sd 40; 6 sd either side.
    assertTrue(held > 1760 && held < 2240, "held out " + held + " of " + n);
  }

  @Test
  void shouldHoldOutOtherEventsForAnotherSeed() {
    List<Boolean> a = new ArrayList<>();
    List<Boolean> b = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      a.add(HeldOutBuffer.isHeldOut("e" + i, 1, 5));
      b.add(HeldOutBuffer.isHeldOut("e" + i, 2, 5));
    }
    assertNotEquals(a, b);
  }

  @Test
  void shouldKeepTheMostRecentExamplesPerClass() {
    HeldOutBuffer<Integer> buffer = new HeldOutBuffer<>(3);
    for (int i = 0; i < 5; i++) {
      buffer.add("cat", i);
    }
    buffer.add("dog", 9);
    assertEquals(List.of(2, 3, 4), buffer.examples("cat"));
    assertEquals(List.of(9), buffer.examples("dog"));
    assertEquals(5, buffer.seen("cat"));
    assertEquals(4, buffer.size());
  }

  @Test
  void shouldRestoreOnlyTheNewestExamplesThatFit() {
    HeldOutBuffer<Integer> buffer = new HeldOutBuffer<>(2);
    buffer.restore("cat", 10, List.of(1, 2, 3));
    assertEquals(List.of(2, 3), buffer.examples("cat"));
    assertEquals(10, buffer.seen("cat"));
  }
}
