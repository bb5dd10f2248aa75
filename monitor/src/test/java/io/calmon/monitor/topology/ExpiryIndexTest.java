package io.calmon.monitor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExpiryIndexTest {

  @Test
  void shouldHandOverWhatExpiresByTheWatermarkEarliestFirstAndKeepTheRest() {
    ExpiryIndex index = new ExpiryIndex();
    index.add(300, "c");
    index.add(100, "a");
    index.add(200, "b");
    index.add(400, "d");

    assertEquals(List.of(), index.due(99));
    assertEquals(List.of("a", "b"), index.due(200), "at the watermark counts");
    assertEquals(2, index.size());
    assertEquals(List.of("c", "d"), index.due(Long.MAX_VALUE));
    assertEquals(0, index.size());
  }

  @Test
  void shouldKeepAnEntryThatALaterExpirySupersededForTheCallerToSkip() {
    ExpiryIndex index = new ExpiryIndex();
    index.add(100, "a");
    index.add(500, "a"); // the join was given a later expiry

    assertEquals(List.of("a"), index.due(100), "the stale entry comes due first");
    assertEquals(List.of("a"), index.due(500));
  }

  @Test
  void shouldHandOverInExpiryOrderHoweverInOrderAndLateEntriesInterleave() {
    ExpiryIndex index = new ExpiryIndex();
    long[] expiries = {100, 110, 105, 120, 90, 120, 130, 101, 140, 125, 150};
    for (long e : expiries) {
      index.add(e, "e" + e);
    }
    assertEquals(List.of("e90", "e100", "e101", "e105"), index.due(105));
    index.add(106, "e106"); // earlier than the last held: out of order
    index.add(200, "e200");
    assertEquals(
        List.of("e106", "e110", "e120", "e120", "e125", "e130", "e140", "e150"), index.due(199));
    assertEquals(1, index.size());
    index.clear();
    assertEquals(List.of(), index.due(Long.MAX_VALUE));
  }

  @Test
  void shouldMatchASortOfEveryExpiryOnRandomArrivals() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(11);
    ExpiryIndex index = new ExpiryIndex();
    List<Long> all = new java.util.ArrayList<>();
    long base = 0;
    for (int i = 0; i < 5_000; i++) {
      base += random.nextInt(3);
      long expiry = random.nextInt(10) == 0 ? base - random.nextInt(50) : base;
      all.add(expiry);
      index.add(expiry, Long.toString(expiry));
    }
    java.util.Collections.sort(all);
    List<String> expected = all.stream().map(e -> Long.toString(e)).toList();
    List<String> handed = new java.util.ArrayList<>();
    for (long w = -100; handed.size() < expected.size(); w += 37) {
      handed.addAll(index.due(w));
    }
    assertEquals(expected, handed);
  }
}
