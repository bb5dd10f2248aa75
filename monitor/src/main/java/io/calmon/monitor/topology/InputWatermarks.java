package io.calmon.monitor.topology;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The event-time watermark of one join task: how far it has read both of its inputs, one partition
 * of predictions and the labels routed to it by event id from every labels partition.
 *
 * <p>The predictions' mark is the highest event time read. The labels' mark is the lowest of the
 * watermarks that the labels partitions announce ({@link LabelRouter}). The task's watermark is the
 * lower of the two: every window ending {@link io.calmon.monitor.MonitorConfig#closeAfter() label
 * delay + grace} before it has seen all its predictions and all their on-time labels, provided each
 * partition is in event-time order up to the grace. It never depends on how Kafka Streams
 * interleaves topics or partitions.
 *
 * <p>Predictions that read nothing for {@code idleTimeout} of wall-clock time (or never, since the
 * task started) stop holding the watermark back, and so does a labels partition that announces
 * itself idle; when both inputs are idle the watermark is the higher of their marks. The watermark
 * never moves back; what arrives for a window closed meanwhile is late. The watermark and the
 * labels partitions' marks are kept in the store (and read from memory, since the watermark is
 * recomputed for every record); the predictions' mark is rebuilt from what the task reads after a
 * restart.
 */
final class InputWatermarks {
  static final long UNKNOWN = ConsumerRecord.NO_TIMESTAMP;
  private static final String WATERMARK_KEY = "watermark";
  private static final String LABEL_SOURCES_KEY = "label-partitions";

  private final KeyValueStore<String, Long> store;
  private final long idleTimeoutMs;

  /** The labels partitions' marks and idle flags as announced: the store's, mirrored in memory. */
  private final Map<Integer, Long> labelMarks = new HashMap<>();

  private final Set<Integer> idleLabelPartitions = new HashSet<>();
  private long labelPartitions;
  private long predictions = UNKNOWN;
  private long predictionReadAt;
  private long watermark;

  /**
   * @param startedAt wall-clock millis when the task started (idle predictions are timed from then)
   */
  InputWatermarks(KeyValueStore<String, Long> store, Duration idleTimeout, long startedAt) {
    this.store = store;
    this.idleTimeoutMs = idleTimeout.toMillis();
    Long kept = store.get(WATERMARK_KEY);
    this.watermark = kept == null ? UNKNOWN : kept;
    this.predictionReadAt = startedAt;
    this.labelPartitions = get(LABEL_SOURCES_KEY);
    for (int p = 0; p < labelPartitions; p++) {
      Long mark = store.get("label-mark-" + p);
      if (mark != null) {
        labelMarks.put(p, mark);
      }
      if (get("label-idle-" + p) == 1) {
        idleLabelPartitions.add(p);
      }
    }
  }

  /** Notes a prediction with event time {@code time} read at wall clock {@code now}. */
  void readPrediction(long time, long now) {
    predictions = Math.max(predictions, time);
    predictionReadAt = now;
  }

  /** Notes what labels partition {@code source} (of {@code sources}) announced. */
  void labelPartition(int source, int sources, long mark, boolean idle) {
    if (sources > labelPartitions) {
      labelPartitions = sources;
      store.put(LABEL_SOURCES_KEY, labelPartitions);
    }
    long highest = Math.max(mark, labelMarks.getOrDefault(source, UNKNOWN));
    labelMarks.put(source, highest);
    store.put("label-mark-" + source, highest);
    if (idle ? idleLabelPartitions.add(source) : idleLabelPartitions.remove(source)) {
      store.put("label-idle-" + source, idle ? 1L : 0L);
    }
  }

  /** Recomputes the watermark at wall clock {@code now}; true if it moved forward. */
  boolean advance(long now) {
    boolean predictionsIdle = now - predictionReadAt >= idleTimeoutMs;
    Labels labels = labels();
    long candidate;
    if (!predictionsIdle && !labels.idle()) {
      candidate = Math.min(predictions, labels.mark());
    } else if (!labels.idle()) {
      candidate = labels.mark();
    } else if (!predictionsIdle) {
      candidate = predictions;
    } else {
      candidate = Math.max(predictions, labels.mark());
    }
    if (candidate <= watermark) {
      return false;
    }
    watermark = candidate;
    store.put(WATERMARK_KEY, watermark);
    return true;
  }

  /**
   * The labels input: the lowest mark of the partitions not idle (the highest when all are), idle
   * when every partition is; unknown and not idle while a partition has not announced itself.
   */
  private Labels labels() {
    if (labelPartitions <= 0) {
      return new Labels(UNKNOWN, false);
    }
    long lowestActive = Long.MAX_VALUE;
    long highest = UNKNOWN;
    boolean anyActive = false;
    for (int p = 0; p < labelPartitions; p++) {
      Long mark = labelMarks.get(p);
      if (mark == null) {
        return new Labels(UNKNOWN, false);
      }
      highest = Math.max(highest, mark);
      if (!idleLabelPartitions.contains(p)) {
        anyActive = true;
        lowestActive = Math.min(lowestActive, mark);
      }
    }
    return anyActive ? new Labels(lowestActive, false) : new Labels(highest, true);
  }

  private record Labels(long mark, boolean idle) {}

  private long get(String key) {
    Long value = store.get(key);
    return value == null ? UNKNOWN : value;
  }

  /** Whether both inputs are idle: predictions quiet, every labels partition announced idle. */
  boolean isIdle(long now) {
    return now - predictionReadAt >= idleTimeoutMs && labels().idle();
  }

  /** The task's watermark, event-time millis, or {@link #UNKNOWN} before it has one. */
  long watermark() {
    return watermark;
  }
}
