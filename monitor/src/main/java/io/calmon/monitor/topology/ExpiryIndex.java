package io.calmon.monitor.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * When each pending join expires, kept in memory: the index is derived from the pending store
 * (every entry there carries its expiry), rebuilt from it when the join task starts, and never
 * written to a store or changelog of its own, so a joined pair costs one store write instead of
 * two. Entries are not removed when a join gets a later expiry: a stale entry comes due first and
 * the caller, who checks the pending store then, skips it.
 */
final class ExpiryIndex {

  private record Entry(long expiresAt, String eventId) {}

  private final PriorityQueue<Entry> queue =
      new PriorityQueue<>(Comparator.comparingLong(Entry::expiresAt));

  /** Notes that the join of {@code eventId} expires at {@code expiresAt} (epoch millis). */
  void add(long expiresAt, String eventId) {
    queue.add(new Entry(expiresAt, eventId));
  }

  /**
   * Removes and returns the event ids that expire at or before {@code watermark}, earliest first;
   * an id may come more than once (stale entries).
   */
  List<String> due(long watermark) {
    List<String> due = new ArrayList<>();
    while (!queue.isEmpty() && queue.peek().expiresAt() <= watermark) {
      due.add(queue.poll().eventId());
    }
    return due;
  }

  /** Entries held, stale ones included. */
  int size() {
    return queue.size();
  }

  void clear() {
    queue.clear();
  }
}
