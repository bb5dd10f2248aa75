package io.calmon.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The metrics of one service, on a Micrometer {@link PrometheusMeterRegistry} and read when
 * scraped: each metric is a name, a help line and a function that returns its current value, so
 * services keep counting in their own counters (e.g. {@link java.util.concurrent.atomic.LongAdder},
 * {@link BucketHistogram}) and nothing is copied on the hot path. Counters and gauges, plain or
 * with one series per label set, histograms and info metrics; {@link #render()} gives them in the
 * Prometheus text exposition format (version 0.0.4).
 *
 * <p>The name given is the name scraped: a counter's name ends in {@code _total}, and no other name
 * ends in a suffix Prometheus reserves ({@code _total}, {@code _created}, {@code _bucket}, {@code
 * _info}), which Micrometer would strip. {@link #withJvmMetrics()} adds Micrometer's JVM binders;
 * other binders (Kafka clients) bind to {@link #meters()}.
 */
public final class MetricsRegistry implements AutoCloseable {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final List<String> RESERVED_SUFFIXES =
      List.of("_total", "_created", "_bucket", "_info");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Set<String> names = new HashSet<>();

  /** What Micrometer only references weakly: the functions of function counters. */
  private final List<Object> sources = new ArrayList<>();

  /** Labelled series, read again before each scrape: a new label set becomes a new meter. */
  private final List<Runnable> refreshes = new ArrayList<>();

  /** The garbage-collection binder, which listens to the JVM until closed; null before. */
  private JvmGcMetrics gc;

  /** A monotonic counter; its name ends in {@code _total}. */
  public synchronized MetricsRegistry counter(String name, String help, LongSupplier value) {
    Objects.requireNonNull(value, "value");
    claim(name, true);
    sources.add(value);
    FunctionCounter.builder(name, value, v -> (double) v.getAsLong())
        .description(help)
        .register(registry);
    return this;
  }

  /** A value that goes up and down. */
  public synchronized MetricsRegistry gauge(String name, String help, DoubleSupplier value) {
    Objects.requireNonNull(value, "value");
    claim(name, false);
    Gauge.builder(name, value, DoubleSupplier::getAsDouble)
        .description(help)
        .strongReference(true)
        .register(registry);
    return this;
  }

  /**
   * A gauge with one series per label set, e.g. the latest ECE per (deployment, group): the
   * supplier returns label maps to values. A label set no longer returned is no longer scraped.
   */
  public synchronized MetricsRegistry gauges(
      String name, String help, Supplier<Map<Map<String, String>, Double>> series) {
    Objects.requireNonNull(series, "series");
    claim(name, false);
    MultiGauge gauge = MultiGauge.builder(name).description(help).register(registry);
    refreshes.add(
        () -> {
          List<MultiGauge.Row<?>> rows = new ArrayList<>();
          series.get().forEach((labels, value) -> rows.add(MultiGauge.Row.of(tags(labels), value)));
          gauge.register(rows, true);
        });
    return this;
  }

  /**
   * A counter with one series per label set, e.g. dead letters per reason: the supplier returns
   * label maps to values. Each value must only grow; a label set, once there, stays.
   */
  public synchronized MetricsRegistry counters(
      String name, String help, Supplier<Map<Map<String, String>, Double>> series) {
    Objects.requireNonNull(series, "series");
    claim(name, true);
    refreshes.add(new LabelledCounters(name, help, series));
    return this;
  }

  /**
   * A histogram, scraped as {@code name_bucket{le="..."}} (cumulative, ending with {@code
   * le="+Inf"}), {@code name_count} and {@code name_sum}, with the buckets of the snapshot. By
   * convention the name carries the unit ({@code _seconds}) and the values are in it.
   */
  public synchronized MetricsRegistry histogram(
      String name, String help, Supplier<BucketHistogram.Snapshot> value) {
    Objects.requireNonNull(value, "value");
    claim(name, false);
    registry.getPrometheusRegistry().register(() -> histogramSnapshot(name, help, value.get()));
    return this;
  }

  /**
   * An info metric: always 1, its labels say what runs (e.g. the deployment). Its name ends in
   * {@code _info}.
   */
  public synchronized MetricsRegistry info(String name, String help, Map<String, String> labels) {
    checkName(name);
    if (!name.endsWith("_info") || !names.add(name)) {
      throw new IllegalArgumentException(
          "an info metric's name ends in _info and is registered once: '" + name + "'");
    }
    String base = name.substring(0, name.length() - "_info".length());
    Labels fixed = prometheusLabels(labels);
    registry
        .getPrometheusRegistry()
        .register(
            () ->
                InfoSnapshot.builder()
                    .name(base)
                    .help(help)
                    .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(fixed).build())
                    .build());
    return this;
  }

  /**
   * Adds Micrometer's JVM metrics: memory, garbage collection, threads, class loading, processor
   * and uptime ({@code jvm_*}, {@code process_*}, {@code system_*}). Once is enough: a second call
   * adds nothing.
   */
  public synchronized MetricsRegistry withJvmMetrics() {
    if (gc != null) {
      return this;
    }
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return this;
  }

  /** The Micrometer registry, for binders such as the Kafka clients' metrics. */
  public MeterRegistry meters() {
    return registry;
  }

  /** Every metric in the Prometheus text format, one {@code # HELP}/{@code # TYPE} block each. */
  public synchronized String render() {
    refreshes.forEach(Runnable::run);
    return registry.scrape();
  }

  /**
   * Stops listening to the JVM's garbage collections (see {@link #withJvmMetrics()}); what is
   * registered can still be rendered.
   */
  @Override
  public synchronized void close() {
    if (gc != null) {
      gc.close();
    }
  }

  private void claim(String name, boolean counter) {
    checkName(name);
    if (counter && !name.endsWith("_total")) {
      throw new IllegalArgumentException("a counter's name ends in _total: '" + name + "'");
    }
    if (!counter && RESERVED_SUFFIXES.stream().anyMatch(name::endsWith)) {
      throw new IllegalArgumentException(
          "'" + name + "' ends in a suffix Prometheus reserves: " + RESERVED_SUFFIXES);
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("metric '" + name + "' registered twice");
    }
  }

  private static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a Prometheus metric name: '" + name + "'");
    }
  }

  private static Tags tags(Map<String, String> labels) {
    List<Tag> tags = new ArrayList<>(labels.size());
    labels.forEach(
        (k, v) -> {
          checkLabel(k);
          tags.add(Tag.of(k, v));
        });
    return Tags.of(tags);
  }

  private static Labels prometheusLabels(Map<String, String> labels) {
    Labels.Builder builder = Labels.builder();
    labels.forEach(
        (k, v) -> {
          checkLabel(k);
          builder.label(k, v);
        });
    return builder.build();
  }

  private static void checkLabel(String name) {
    if (!LABEL.matcher(name).matches()) {
      throw new IllegalArgumentException("not a Prometheus label name: '" + name + "'");
    }
  }

  private static HistogramSnapshot histogramSnapshot(
      String name, String help, BucketHistogram.Snapshot snapshot) {
    double[] bounds = snapshot.upperBounds();
    double[] withOverflow = new double[bounds.length + 1];
    System.arraycopy(bounds, 0, withOverflow, 0, bounds.length);
    withOverflow[bounds.length] = Double.POSITIVE_INFINITY;
    return HistogramSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(
            HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(
                    ClassicHistogramBuckets.of(withOverflow, snapshot.counts()))
                .sum(snapshot.sum())
                .build())
        .build();
  }

  /** One function counter per label set seen, each reading the value its last refresh read. */
  private final class LabelledCounters implements Runnable {
    private final String name;
    private final String help;
    private final Supplier<Map<Map<String, String>, Double>> series;
    private final Map<Map<String, String>, Latest> seen = new HashMap<>();

    LabelledCounters(String name, String help, Supplier<Map<Map<String, String>, Double>> series) {
      this.name = name;
      this.help = help;
      this.series = series;
    }

    @Override
    public void run() {
      series
          .get()
          .forEach((labels, value) -> seen.computeIfAbsent(labels, this::counter).value = value);
    }

    private Latest counter(Map<String, String> labels) {
      Latest latest = new Latest();
      FunctionCounter.builder(name, latest, l -> l.value)
          .description(help)
          .tags(tags(labels))
          .register(registry);
      return latest;
    }
  }

  /** The value of one labelled counter series as last read. */
  private static final class Latest {
    volatile double value;
  }
}
