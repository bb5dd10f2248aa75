package io.calmon.monitor.topology;

import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The event-time watermark of one join task: how far it has read both of its inputs, one partition
 * of predictions and the same partition of labels.
 *
 * <p>Each input's mark is the highest event time read from it (a prediction's event time, a label's
 * labelled-at time). The task's watermark is the lower of the two: every window ending {@link
 * io.calmon.monitor.MonitorConfig#closeAfter() label delay + grace} before it has seen all its
 * predictions and all their on-time labels, provided each partition is in event-time order up to
 * the grace. It never depends on how Kafka Streams interleaves the two topics or other partitions.
 *
 * <p>An input read nothing for {@code idleTimeout} of wall-clock time (or never, since the task
 * started) stops holding the watermark back: the other input's mark alone counts, and when both are
 * idle the higher of the two. The watermark never moves back; what arrives for a window closed
 * meanwhile is late. Only the watermark is kept in the store: the marks are rebuilt from what the
 * task reads after a restart.
 */
final class InputWatermarks {
  enum Input {
    PREDICTIONS,
    LABELS
  }

  static final long UNKNOWN = ConsumerRecord.NO_TIMESTAMP;
  private static final String WATERMARK_KEY = "watermark";

  private final KeyValueStore<String, Long> store;
  private final long idleTimeoutMs;
  private final long[] highest = {UNKNOWN, UNKNOWN};
  private final long[] lastReadAt = new long[2];
  private long watermark;

  /**
   * @param startedAt wall-clock millis when the task started (idle inputs are timed from then)
   */
  InputWatermarks(KeyValueStore<String, Long> store, Duration idleTimeout, long startedAt) {
    this.store = store;
    this.idleTimeoutMs = idleTimeout.toMillis();
    Long kept = store.get(WATERMARK_KEY);
    this.watermark = kept == null ? UNKNOWN : kept;
    lastReadAt[0] = startedAt;
    lastReadAt[1] = startedAt;
  }

  /**
   * Notes a record read from {@code input} with event time {@code time} at wall clock {@code now}.
   */
  void read(Input input, long time, long now) {
    highest[input.ordinal()] = Math.max(highest[input.ordinal()], time);
    lastReadAt[input.ordinal()] = now;
  }

  /** Recomputes the watermark at wall clock {@code now}; true if it moved forward. */
  boolean advance(long now) {
    long candidate = UNKNOWN;
    boolean anyActive = false;
    long lowestActive = Long.MAX_VALUE;
    for (Input input : Input.values()) {
      int i = input.ordinal();
      candidate = Math.max(candidate, highest[i]);
      if (!isIdle(i, now)) {
        anyActive = true;
        lowestActive = Math.min(lowestActive, highest[i]);
      }
    }
    if (anyActive) {
      candidate = lowestActive;
    }
    if (candidate <= watermark) {
      return false;
    }
    watermark = candidate;
    store.put(WATERMARK_KEY, watermark);
    return true;
  }

  /** Whether both inputs have been quiet for the idle timeout. */
  boolean isIdle(long now) {
    return isIdle(0, now) && isIdle(1, now);
  }

  private boolean isIdle(int input, long now) {
    return now - lastReadAt[input] >= idleTimeoutMs;
  }

  /** The task's watermark, event-time millis, or {@link #UNKNOWN} before it has one. */
  long watermark() {
    return watermark;
  }
}
