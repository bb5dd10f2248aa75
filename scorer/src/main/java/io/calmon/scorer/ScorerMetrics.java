package io.calmon.scorer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The scorer's counters and gauges, thread-safe. Counted when a transaction commits, so they match
 * what consumers downstream see. {@link #snapshot()} gives them as flat names, ready for the shared
 * Prometheus endpoint (being built in {@code io.calmon.kafka.service}; wiring is still to do).
 */
public final class ScorerMetrics {

  /**
   * Upper bounds (ms) of the latency histogram's buckets: 1, 2, 5, 10, ... 1e7 ms (about 2.8 h),
   * then overflow. Coarse on purpose: percentiles are reported as a bucket's upper bound.
   */
  static final long[] LATENCY_BOUNDS_MS = latencyBounds();

  private final LongAdder eventsIn = new LongAdder();
  private final LongAdder eventsSkipped = new LongAdder();
  private final LongAdder predictionsOut = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder batchedImages = new LongAdder();
  private final AtomicLong largestBatch = new AtomicLong();
  private final LongAdder abortedTransactions = new LongAdder();
  private final Map<String, LongAdder> deadLetters = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> refusedPrompts = new ConcurrentHashMap<>();
  private final AtomicLong promptVersion = new AtomicLong(-1);
  private final AtomicLong classSetVersion = new AtomicLong(-1);
  private final AtomicLong assignedPartitions = new AtomicLong();
  private final AtomicLongArray latency = new AtomicLongArray(LATENCY_BOUNDS_MS.length + 1);

  void eventsIn(int n) {
    eventsIn.add(n);
  }

  void eventSkipped() {
    eventsSkipped.increment();
  }

  void predictionOut(long eventToPredictionMillis) {
    predictionsOut.increment();
    int bucket = 0;
    while (bucket < LATENCY_BOUNDS_MS.length
        && eventToPredictionMillis > LATENCY_BOUNDS_MS[bucket]) {
      bucket++;
    }
    latency.incrementAndGet(bucket);
  }

  void deadLetter(String errorType) {
    deadLetters.computeIfAbsent(errorType, k -> new LongAdder()).increment();
  }

  void batch(int images) {
    batches.increment();
    batchedImages.add(images);
    largestBatch.accumulateAndGet(images, Math::max);
  }

  void transactionAborted() {
    abortedTransactions.increment();
  }

  void promptRefused(String errorType) {
    refusedPrompts.computeIfAbsent(errorType, k -> new LongAdder()).increment();
  }

  void assignedPartitions(int n) {
    assignedPartitions.set(n);
  }

  void serving(ScoringContext context) {
    promptVersion.set(context.promptVersion());
    classSetVersion.set(context.classSetVersion());
  }

  public long eventsIn() {
    return eventsIn.sum();
  }

  public long predictionsOut() {
    return predictionsOut.sum();
  }

  /** The most records one transaction has held: at most the configured batch size. */
  public long largestBatch() {
    return largestBatch.get();
  }

  /** Dead letters of every type. */
  public long deadLetters() {
    return deadLetters.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public long deadLetters(String errorType) {
    LongAdder n = deadLetters.get(errorType);
    return n == null ? 0 : n.sum();
  }

  public long promptsRefused(String errorType) {
    LongAdder n = refusedPrompts.get(errorType);
    return n == null ? 0 : n.sum();
  }

  /** How many {@code image-events} partitions the group has given this instance now. */
  public long assignedPartitions() {
    return assignedPartitions.get();
  }

  /** The serving prompt version (0 = zero-shot), -1 before any class set. */
  public long promptVersion() {
    return promptVersion.get();
  }

  /**
   * The latency from event time to committed prediction at quantile {@code q}, as the upper bound
   * of its histogram bucket in ms; -1 if nothing was scored, {@code Long.MAX_VALUE} in overflow.
   */
  public long latencyQuantileMillis(double q) {
    long total = 0;
    for (int i = 0; i < latency.length(); i++) {
      total += latency.get(i);
    }
    if (total == 0) {
      return -1;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < latency.length(); i++) {
      seen += latency.get(i);
      if (seen >= Math.max(rank, 1)) {
        return i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i] : Long.MAX_VALUE;
      }
    }
    return Long.MAX_VALUE;
  }

  /** Every metric by a flat, Prometheus-friendly name. */
  public Map<String, Number> snapshot() {
    Map<String, Number> m = new TreeMap<>();
    m.put("scorer_events_in_total", eventsIn());
    m.put("scorer_events_skipped_total", eventsSkipped.sum());
    m.put("scorer_predictions_out_total", predictionsOut());
    m.put("scorer_dead_letters_total", deadLetters());
    deadLetters.forEach(
        (type, n) -> m.put("scorer_dead_letters_total{type=" + type + "}", n.sum()));
    refusedPrompts.forEach(
        (type, n) -> m.put("scorer_prompt_versions_refused_total{type=" + type + "}", n.sum()));
    m.put("scorer_batches_total", batches.sum());
    m.put("scorer_batch_images_total", batchedImages.sum());
    m.put("scorer_batch_size_max", largestBatch.get());
    m.put("scorer_transactions_aborted_total", abortedTransactions.sum());
    m.put("scorer_assigned_partitions", assignedPartitions());
    m.put("scorer_prompt_version", promptVersion());
    m.put("scorer_class_set_version", classSetVersion.get());
    m.put("scorer_latency_p50_ms", latencyQuantileMillis(0.50));
    m.put("scorer_latency_p99_ms", latencyQuantileMillis(0.99));
    return m;
  }

  private static long[] latencyBounds() {
    long[] steps = {1, 2, 5};
    long[] bounds = new long[3 * 7 + 1];
    int i = 0;
    for (long decade = 1; decade <= 1_000_000; decade *= 10) {
      for (long s : steps) {
        bounds[i++] = s * decade;
      }
    }
    bounds[i] = 10_000_000;
    return bounds;
  }
}
