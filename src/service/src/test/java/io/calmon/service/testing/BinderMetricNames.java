package io.calmon.service.testing;

import java.util.Set;
import java.util.TreeSet;

/**
 * Metric names that Micrometer's binders register, which calmon's sources never spell out but a
 * dashboard may plot (the Grafana dashboard's are checked against this list). Each name is checked
 * by a test that scrapes it: the JVM's by {@code MetricsRegistryTest}, the Kafka clients' by the
 * services' integration tests on a real broker.
 */
public final class BinderMetricNames {

  /** Memory in use per area ({@code heap}, {@code nonheap}) and pool, in bytes. */
  public static final String JVM_MEMORY_USED = "jvm_memory_used_bytes";

  /** Memory the JVM has from the operating system per area and pool, in bytes. */
  public static final String JVM_MEMORY_COMMITTED = "jvm_memory_committed_bytes";

  /** The most memory per area and pool the JVM may use, in bytes; -1 where there is no limit. */
  public static final String JVM_MEMORY_MAX = "jvm_memory_max_bytes";

  /**
   * The largest lag, in records, of a consumer's partitions (labels {@code client_id} and, once the
   * client has fetched, {@code topic} and {@code partition}).
   */
  public static final String KAFKA_CONSUMER_RECORDS_LAG_MAX =
      "kafka_consumer_fetch_manager_records_lag_max";

  /** The JVM binders' names of this list (memory, garbage collection, threads, classes, CPU). */
  public static final Set<String> JVM =
      Set.of(
          JVM_MEMORY_USED,
          JVM_MEMORY_COMMITTED,
          JVM_MEMORY_MAX,
          "jvm_gc_memory_allocated_bytes_total",
          "jvm_threads_live_threads",
          "jvm_classes_loaded_classes",
          "process_cpu_usage",
          "process_uptime_seconds");

  /** The Kafka clients' names of this list. */
  public static final Set<String> KAFKA = Set.of(KAFKA_CONSUMER_RECORDS_LAG_MAX);

  private BinderMetricNames() {}

  /** Every name of this list. */
  public static Set<String> all() {
    Set<String> all = new TreeSet<>(JVM);
    all.addAll(KAFKA);
    return all;
  }
}
