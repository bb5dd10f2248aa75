package io.calmon.monitor.topology;

import java.util.ArrayDeque;
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
 *
 * <p>Expiries mostly come in order (a prediction expires a fixed time after its event time, and a
 * partition's events are mostly in time order): those go to the end of a queue in O(1), and only an
 * expiry earlier than the queue's last goes to a heap. {@link #due} takes from whichever of the two
 * holds the earliest.
 */
final class ExpiryIndex {

  private record Entry(long expiresAt, String eventId) {}

  /** Entries in non-decreasing expiry. */
  private final ArrayDeque<Entry> inOrder = new ArrayDeque<>();

  /** Entries that came earlier than the last of {@link #inOrder}. */
  private final PriorityQueue<Entry> outOfOrder =
      new PriorityQueue<>(Comparator.comparingLong(Entry::expiresAt));

  /** Notes that the join of {@code eventId} expires at {@code expiresAt} (epoch millis). */
  void add(long expiresAt, String eventId) {
    Entry entry = new Entry(expiresAt, eventId);
    Entry last = inOrder.peekLast();
    if (last == null || expiresAt >= last.expiresAt()) {
      inOrder.addLast(entry);
    } else {
      outOfOrder.add(entry);
    }
  }

  /**
   * Removes and returns the event ids that expire at or before {@code watermark}, earliest first;
   * an id may come more than once (stale entries).
   */
  List<String> due(long watermark) {
    List<String> due = new ArrayList<>();
    while (true) {
      Entry a = inOrder.peekFirst();
      Entry b = outOfOrder.peek();
      boolean fromQueue = b == null || (a != null && a.expiresAt() <= b.expiresAt());
      Entry next = fromQueue ? a : b;
      if (next == null || next.expiresAt() > watermark) {
        return due;
      }
      due.add((fromQueue ? inOrder.pollFirst() : outOfOrder.poll()).eventId());
    }
  }

  /** Entries held, stale ones included. */
  int size() {
    return inOrder.size() + outOfOrder.size();
  }

  void clear() {
    inOrder.clear();
    outOfOrder.clear();
  }
}
