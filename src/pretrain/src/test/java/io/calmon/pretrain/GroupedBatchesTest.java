package io.calmon.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupedBatchesTest {
  /** 3 keys: key 0 has 10 pairs, key 1 has 7, key 2 has 3. */
  private static final int[] KEYS = {0, 1, 0, 2, 0, 1, 0, 1, 0, 0, 2, 1, 0, 1, 0, 2, 1, 0, 1, 0};

  @Test
  void shouldPutPairsOfOneKeyInEveryRun() {
    GroupedBatches batches = new GroupedBatches(KEYS, 3, 5);
    for (int run = 0; run < 40; run++) {
      int[] r = batches.next(3);
      assertEquals(KEYS[r[0]], KEYS[r[1]], Arrays.toString(r));
      assertEquals(KEYS[r[0]], KEYS[r[2]], Arrays.toString(r));
      assertEquals(3, Arrays.stream(r).distinct().count(), Arrays.toString(r));
    }
  }

  @Test
  void shouldDrawEachPairAtMostOncePerEpochAndDropOnlyIncompleteRuns() {
    // Runs of 3: key 0 gives 3 runs, key 1 gives 2, key 2 gives 1: an epoch is 18 pairs.
    GroupedBatches batches = new GroupedBatches(KEYS, 3, 9);
    int[] epoch = batches.next(18);
    Set<Integer> seen = new HashSet<>();
    for (int i : epoch) {
      assertTrue(seen.add(i), "pair " + i + " twice in one epoch");
    }
    long key0 = Arrays.stream(epoch).filter(i -> KEYS[i] == 0).count();
    assertEquals(9, key0);
  }

  @Test
  void shouldShuffleAllPairsWhenGroupIsOne() {
    int[] epoch = new GroupedBatches(KEYS, 1, 3).next(KEYS.length);
    int[] sorted = epoch.clone();
    Arrays.sort(sorted);
    int[] all = new int[KEYS.length];
    Arrays.setAll(all, i -> i);
    assertArrayEquals(all, sorted);
    assertFalse(Arrays.equals(all, epoch), "a shuffle, not the identity");
  }

  @Test
  void shouldRepeatForASeedAndDifferAcrossSeedsAndEpochs() {
    int[] a = new GroupedBatches(KEYS, 2, 1).next(40);
    int[] b = new GroupedBatches(KEYS, 2, 1).next(40);
    int[] c = new GroupedBatches(KEYS, 2, 2).next(40);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
    // 20 pairs in runs of 2: an epoch is 18 pairs; the second epoch is another order.
    assertFalse(Arrays.equals(Arrays.copyOfRange(a, 0, 18), Arrays.copyOfRange(a, 18, 36)));
  }

  @Test
  void shouldRejectAGroupNoKeyCanFill() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new GroupedBatches(KEYS, 11, 1));
    assertTrue(e.getMessage().contains("too small"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new GroupedBatches(KEYS, 0, 1));
  }
}
