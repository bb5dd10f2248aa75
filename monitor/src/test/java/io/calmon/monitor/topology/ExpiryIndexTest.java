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
}
