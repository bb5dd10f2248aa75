package io.calmon.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FewShotReservoirTest {

  @Test
  void shouldKeepEverythingUntilFullThenAtMostShots() {
    FewShotReservoir<Integer> reservoir = new FewShotReservoir<>(4, 1);
    for (int i = 0; i < 3; i++) {
      assertTrue(reservoir.offer("cat", i));
    }
    assertEquals(List.of(0, 1, 2), reservoir.sample("cat").examples());
    for (int i = 3; i < 1000; i++) {
      reservoir.offer("cat", i);
    }
    assertEquals(4, reservoir.sample("cat").examples().size());
    assertEquals(1000, reservoir.sample("cat").seen());
  }

  @Test
  void shouldSampleUniformly() {
    // Each of 20 items offered to a 5-slot reservoir is kept with probability 1/4; over 4000
    // seeded runs each item's count is binomial(4000, 0.25): mean 1000, sd about 27.
    int[] kept = new int[20];
    for (long seed = 0; seed < 4000; seed++) {
      FewShotReservoir<Integer> reservoir = new FewShotReservoir<>(5, seed);
      for (int i = 0; i < 20; i++) {
        reservoir.offer("c", i);
      }
      for (int item : reservoir.sample("c").examples()) {
        kept[item]++;
      }
    }
    for (int i = 0; i < 20; i++) {
      assertTrue(Math.abs(kept[i] - 1000) < 150, "item " + i + " kept " + kept[i] + " times");
    }
  }

  @Test
  void shouldRepeatTheSameSampleForTheSameSeed() {
    assertEquals(run(7), run(7));
    assertTrue(!run(7).equals(run(8)), "another seed keeps other examples");
  }

  @Test
  void shouldReportClassesWithEnoughShotsAndRestoreAfterARestart() {
    FewShotReservoir<String> reservoir = new FewShotReservoir<>(2, 3);
    reservoir.offer("cat", "c1");
    reservoir.offer("cat", "c2");
    reservoir.offer("dog", "d1");
    assertEquals(List.of("cat"), reservoir.classesWithAtLeast(2));
    assertEquals(List.of("cat", "dog"), reservoir.classesWithAtLeast(1));

    FewShotReservoir<String> restarted = new FewShotReservoir<>(2, 3);
    for (String c : reservoir.classes()) {
      restarted.restore(reservoir.sample(c));
    }
    assertEquals(reservoir.sample("cat"), restarted.sample("cat"));
    assertEquals(reservoir.sample("dog"), restarted.sample("dog"));
  }

  @Test
  void shouldRejectSlotsThatWereNotAdmitted() {
    FewShotReservoir<String> reservoir = new FewShotReservoir<>(2, 3);
    assertThrows(IllegalArgumentException.class, () -> reservoir.put("cat", 0, "x"));
    assertThrows(IllegalArgumentException.class, () -> new FewShotReservoir<String>(0, 1));
  }

  private static List<Integer> run(long seed) {
    FewShotReservoir<Integer> reservoir = new FewShotReservoir<>(3, seed);
    for (int i = 0; i < 100; i++) {
      reservoir.offer("c", i);
    }
    return reservoir.sample("c").examples();
  }
}
