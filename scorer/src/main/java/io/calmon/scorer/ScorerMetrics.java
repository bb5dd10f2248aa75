package io.calmon.scorer;

import io.calmon.service.BucketHistogram;
import io.calmon.service.MetricsRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * The scorer's counters, gauges and histograms, thread-safe. Counted when a transaction commits, so
 * they match what consumers downstream see. {@link #registry} exposes them to the shared Prometheus
 * endpoint ({@code --metrics-port}); {@link #snapshot()} gives a flat summary.
 */
public final class ScorerMetrics {

  /** Upper bounds (s) of the latency histogram: 1 ms, 2 ms, 5 ms, ... 10^4 s (about 2.8 h). */
  static final double[] LATENCY_BOUNDS_SECONDS = BucketHistogram.oneTwoFive(0.001, 10_000);

  /** Upper bounds of the batch-size histogram: 1, 2, 4, ... 4096 (the largest batch allowed). */
  static final double[] BATCH_SIZE_BOUNDS = BucketHistogram.powersOfTwo(4096);

  /** Upper bounds of the transaction-size histogram: 1, 2, 4, ... 2^20. */
  static final double[] TRANSACTION_SIZE_BOUNDS = BucketHistogram.powersOfTwo(1 << 20);

  private final LongAdder eventsIn = new LongAdder();
  private final LongAdder eventsSkipped = new LongAdder();
  private final LongAdder eventsSkippedByHeader = new LongAdder();
  private final LongAdder predictionsOut = new LongAdder();
  private final BucketHistogram batchSizes = new BucketHistogram(BATCH_SIZE_BOUNDS);
  private final AtomicLong largestBatch = new AtomicLong();
  private final BucketHistogram transactionSizes = new BucketHistogram(TRANSACTION_SIZE_BOUNDS);
  private final LongAdder abortedTransactions = new LongAdder();
  private final LongAdder producersRecreated = new LongAdder();
  private final Map<String, LongAdder> deadLetters = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> refusedPrompts = new ConcurrentHashMap<>();
  private final LongAdder ignoredPrompts = new LongAdder();
  private final AtomicLong promptVersion = new AtomicLong(-1);
  private final AtomicLong classSetVersion = new AtomicLong(-1);
  private final BucketHistogram latency = new BucketHistogram(LATENCY_BOUNDS_SECONDS);
  private final AtomicLong assignedPartitions = new AtomicLong();

  void eventsIn(int n) {
    eventsIn.add(n);
  }

  /**
   * One event of another deployment; {@code byHeader}: recognised from its {@code
   * calmon-deployment} header, its body never decoded.
   */
  void eventSkipped(boolean byHeader) {
    eventsSkipped.increment();
    if (byHeader) {
      eventsSkippedByHeader.increment();
    }
  }

  /** One committed prediction, {@code eventToPredictionMillis} after its event (0 if negative). */
  void predictionOut(long eventToPredictionMillis) {
    latency.observe(Math.max(0, eventToPredictionMillis) / 1000.0);
    predictionsOut.increment(); // last: a reader who sees the count sees the latency too
  }

  void deadLetter(String reason) {
    deadLetters.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  void batch(int images) {
    batchSizes.observe(images);
    largestBatch.accumulateAndGet(images, Math::max);
  }

  /** One committed transaction of {@code events} image events. */
  void transaction(int events) {
    transactionSizes.observe(events);
  }

  void transactionAborted() {
    abortedTransactions.increment();
  }

  void producerRecreated() {
    producersRecreated.increment();
  }

  long producersRecreated() {
    return producersRecreated.sum();
  }

  void promptRefused(String reason) {
    refusedPrompts.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  void promptVersionIgnored() {
    ignoredPrompts.increment();
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

  /** Events of another deployment, skipped (by header or by body). */
  public long eventsSkipped() {
    return eventsSkipped.sum();
  }

  /** Events of another deployment skipped from their header alone, without decoding the body. */
  public long eventsSkippedByHeader() {
    return eventsSkippedByHeader.sum();
  }

  public long predictionsOut() {
    return predictionsOut.sum();
  }

  /** Micro-batches scored (each through the image encoder together). */
  public long batches() {
    return batchSizes.snapshot().count();
  }

  /** Committed transactions (each holds one or more micro-batches: see the commit interval). */
  public long transactions() {
    return transactionSizes.snapshot().count();
  }

  /** The most records one micro-batch has held: at most the configured batch size. */
  public long largestBatch() {
    return largestBatch.get();
  }

  /** Dead letters of every reason. */
  public long deadLetters() {
    return deadLetters.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Dead letters of one reason (the dead letter's {@code error_type}). */
  public long deadLetters(String reason) {
    LongAdder n = deadLetters.get(reason);
    return n == null ? 0 : n.sum();
  }

  /** Prompt versions or class sets refused for one reason (e.g. {@code WEIGHTS_MISMATCH}). */
  public long promptsRefused(String reason) {
    LongAdder n = refusedPrompts.get(reason);
    return n == null ? 0 : n.sum();
  }

  /** Prompt versions ignored because they were not newer than the one served (replays). */
  public long promptVersionsIgnored() {
    return ignoredPrompts.sum();
  }

  /** How many {@code image-events} partitions the group has given this instance now. */
  public long assignedPartitions() {
    return assignedPartitions.get();
  }

  /** The serving prompt version (0 = zero-shot), -1 before any class set. */
  public long promptVersion() {
    return promptVersion.get();
  }

  /** The serving class-set version, -1 before any class set. */
  public long classSetVersion() {
    return classSetVersion.get();
  }

  /**
   * The latency from event time to committed prediction at quantile {@code q}, as the upper bound
   * of its histogram bucket in ms; -1 if nothing was scored, {@code Long.MAX_VALUE} in overflow.
   */
  public long latencyQuantileMillis(double q) {
    double seconds = latency.snapshot().quantileUpperBound(q);
    if (Double.isNaN(seconds)) {
      return -1;
    }
    return Double.isInfinite(seconds) ? Long.MAX_VALUE : Math.round(seconds * 1000);
  }

  /**
   * The metrics for {@code /metrics}: one registry per scorer instance, with the JVM's metrics.
   *
   * @param config names the deployment and instance in {@code calmon_scorer_info}
   * @param running 1 while the scoring thread runs, else 0
   */
  MetricsRegistry registry(ScorerConfig config, DoubleSupplier running) {
    return new MetricsRegistry()
        .withJvmMetrics()
        .counter(
            "calmon_scorer_events_in_total",
            "Image events consumed and committed (scored, dead-lettered or skipped).",
            eventsIn::sum)
        .counter(
            "calmon_scorer_events_skipped_total",
            "Image events of another deployment, skipped.",
            eventsSkipped::sum)
        .counter(
            "calmon_scorer_events_skipped_by_header_total",
            "Image events of another deployment skipped from their calmon-deployment header, body"
                + " not decoded (a share of calmon_scorer_events_skipped_total).",
            eventsSkippedByHeader::sum)
        .counter(
            "calmon_scorer_predictions_out_total",
            "Predictions committed to the predictions topic.",
            predictionsOut::sum)
        .counters(
            "calmon_scorer_dead_letters_total",
            "Dead letters committed, by reason (the dead letter's error_type).",
            () -> series(deadLetters))
        .histogram(
            "calmon_scorer_batch_size",
            "Image events per micro-batch through the image encoder (observed when scored).",
            batchSizes::snapshot)
        .gauge(
            "calmon_scorer_batch_size_max",
            "The most image events one micro-batch has held.",
            largestBatch::get)
        .histogram(
            "calmon_scorer_transaction_size",
            "Image events per committed transaction (micro-batches of one commit interval).",
            transactionSizes::snapshot)
        .histogram(
            "calmon_scorer_event_to_prediction_seconds",
            "From an image event's event time to the commit of its prediction.",
            latency::snapshot)
        .counter(
            "calmon_scorer_transactions_aborted_total",
            "Transactions aborted and their batch re-read.",
            abortedTransactions::sum)
        .counter(
            "calmon_scorer_producers_recreated_total",
            "Producers re-created after being fenced, their open transaction read again.",
            producersRecreated::sum)
        .counters(
            "calmon_scorer_prompt_versions_refused_total",
            "Prompt versions and class sets refused (the previous one stays live), by reason.",
            () -> series(refusedPrompts))
        .counter(
            "calmon_scorer_prompt_versions_ignored_total",
            "Prompt versions ignored: not newer than the one served (replayed or re-published).",
            ignoredPrompts::sum)
        .gauge(
            "calmon_scorer_prompt_version",
            "The prompt version being served: 0 zero-shot, -1 before any class set.",
            promptVersion::get)
        .gauge(
            "calmon_scorer_assigned_partitions",
            "Image-event partitions this instance owns now.",
            assignedPartitions::get)
        .gauge(
            "calmon_scorer_class_set_version",
            "The class-set version being served, -1 before any class set.",
            classSetVersion::get)
        .info(
            "calmon_scorer_info",
            "Always 1; labels name the deployment and the instance.",
            Map.of("deployment", config.deployment(), "instance_id", config.instanceId()))
        .gauge("calmon_scorer_running", "1 while the scoring thread runs.", running);
  }

  /** A flat summary by name (reasons as {@code {reason=...}}), as {@code calmon scorer} prints. */
  public Map<String, Number> snapshot() {
    Map<String, Number> m = new TreeMap<>();
    m.put("calmon_scorer_events_in_total", eventsIn());
    m.put("calmon_scorer_events_skipped_total", eventsSkipped.sum());
    m.put("calmon_scorer_events_skipped_by_header_total", eventsSkippedByHeader.sum());
    m.put("calmon_scorer_predictions_out_total", predictionsOut());
    m.put("calmon_scorer_dead_letters_total", deadLetters());
    deadLetters.forEach(
        (reason, n) -> m.put("calmon_scorer_dead_letters_total{reason=" + reason + "}", n.sum()));
    refusedPrompts.forEach(
        (reason, n) ->
            m.put("calmon_scorer_prompt_versions_refused_total{reason=" + reason + "}", n.sum()));
    BucketHistogram.Snapshot sizes = batchSizes.snapshot();
    m.put("calmon_scorer_batch_size_count", sizes.count());
    m.put("calmon_scorer_batch_size_sum", (long) sizes.sum());
    m.put("calmon_scorer_batch_size_max", largestBatch.get());
    m.put("calmon_scorer_transaction_size_count", transactions());
    m.put("calmon_scorer_transactions_aborted_total", abortedTransactions.sum());
    m.put("calmon_scorer_prompt_version", promptVersion());
    m.put("calmon_scorer_class_set_version", classSetVersion());
    m.put("latency_p50_ms", latencyQuantileMillis(0.50));
    m.put("latency_p99_ms", latencyQuantileMillis(0.99));
    m.put("calmon_scorer_assigned_partitions", assignedPartitions());
    return m;
  }

  private static Map<Map<String, String>, Double> series(Map<String, LongAdder> byReason) {
    Map<Map<String, String>, Double> series = new HashMap<>();
    byReason.forEach((reason, n) -> series.put(Map.of("reason", reason), (double) n.sum()));
    return series;
  }
}
