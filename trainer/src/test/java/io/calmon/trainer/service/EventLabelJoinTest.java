package io.calmon.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventLabelJoinTest {

  @Test
  void shouldJoinWhicheverSideArrivesFirst() {
    EventLabelJoin<String, String> join = new EventLabelJoin<>(10);
    assertTrue(join.image("e1", "img1").isEmpty());
    assertEquals("cat", join.label("e1", "cat").orElseThrow().label());
    assertTrue(join.label("e2", "dog").isEmpty());
    EventLabelJoin.Joined<String, String> j = join.image("e2", "img2").orElseThrow();
    assertEquals("img2", j.image());
    assertEquals("dog", j.label());
    assertEquals(0, join.pendingImages());
    assertEquals(0, join.pendingLabels());
  }

  @Test
  void shouldEvictTheLongestWaitingEntryWhenASideIsFull() {
    EventLabelJoin<String, String> join = new EventLabelJoin<>(2);
    join.image("e1", "a");
    join.image("e2", "b");
    join.image("e3", "c");
    assertEquals(2, join.pendingImages());
    assertEquals(1, join.evicted());
    assertTrue(join.label("e1", "cat").isEmpty(), "e1 was evicted, its label must wait");
    assertTrue(join.label("e3", "dog").isPresent());
  }

  @Test
  void shouldBoundEachSideSeparately() {
    EventLabelJoin<String, String> join = new EventLabelJoin<>(3);
    for (int i = 0; i < 10; i++) {
      join.image("i" + i, "x");
      join.label("l" + i, "y");
    }
    assertEquals(3, join.pendingImages());
    assertEquals(3, join.pendingLabels());
    assertEquals(14, join.evicted());
    assertTrue(join.label("i9", "cat").isPresent());
    assertTrue(join.image("l7", "img").isPresent());
  }

  @Test
  void shouldRefuseAZeroCapacity() {
    assertThrows(IllegalArgumentException.class, () -> new EventLabelJoin<String, String>(0));
  }
}
