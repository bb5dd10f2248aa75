package io.calmon.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The metrics of one service, read when scraped: each metric is a name, a help line and a function
 * that returns its current value, so services keep counting in their own counters (e.g. {@link
 * java.util.concurrent.atomic.LongAdder}, {@link BucketHistogram}) and nothing is copied on the hot
 * path. Counters and gauges, plain or with one series per label set, and histograms; rendered in
 * the Prometheus text exposition format (version 0.0.4) by {@link #render()}.
 */
public final class MetricsRegistry {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final List<Family> families = new ArrayList<>();

  /** A monotonic counter; by Prometheus convention its name ends in {@code _total}. */
  public synchronized MetricsRegistry counter(String name, String help, LongSupplier value) {
    Objects.requireNonNull(value, "value");
    return add(
        name, help, "counter", () -> List.of(new Sample("", "", (double) value.getAsLong())));
  }

  /** A value that goes up and down. */
  public synchronized MetricsRegistry gauge(String name, String help, DoubleSupplier value) {
    Objects.requireNonNull(value, "value");
    return add(name, help, "gauge", () -> List.of(new Sample("", "", value.getAsDouble())));
  }

  /**
   * A gauge with one series per label set, e.g. the latest ECE per (deployment, group): the
   * supplier returns label maps to values.
   */
  public synchronized MetricsRegistry gauges(
      String name, String help, Supplier<Map<Map<String, String>, Double>> series) {
    return add(name, help, "gauge", sorted(Objects.requireNonNull(series, "series")));
  }

  /**
   * A counter with one series per label set, e.g. dead letters per reason: the supplier returns
   * label maps to values. Each value must only grow; a label set, once there, should stay.
   */
  public synchronized MetricsRegistry counters(
      String name, String help, Supplier<Map<Map<String, String>, Double>> series) {
    return add(name, help, "counter", sorted(Objects.requireNonNull(series, "series")));
  }

  /**
   * A histogram, rendered as {@code name_bucket{le="..."}} (cumulative, ending with {@code
   * le="+Inf"}), {@code name_sum} and {@code name_count}. By convention the name carries the unit
   * ({@code _seconds}) and the values are in it.
   */
  public synchronized MetricsRegistry histogram(
      String name, String help, Supplier<BucketHistogram.Snapshot> value) {
    Objects.requireNonNull(value, "value");
    return add(name, help, "histogram", () -> histogramSamples(value.get()));
  }

  private MetricsRegistry add(String name, String help, String type, Supplier<List<Sample>> rows) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a Prometheus metric name: '" + name + "'");
    }
    if (families.stream().anyMatch(f -> f.name.equals(name))) {
      throw new IllegalArgumentException("metric '" + name + "' registered twice");
    }
    families.add(new Family(name, help, type, rows));
    return this;
  }

  /** Every metric in the Prometheus text format, one {@code # HELP}/{@code # TYPE} block each. */
  public synchronized String render() {
    StringBuilder out = new StringBuilder();
    for (Family family : families) {
      out.append("# HELP ").append(family.name).append(' ').append(escapeHelp(family.help));
      out.append('\n');
      out.append("# TYPE ").append(family.name).append(' ').append(family.type).append('\n');
      for (Sample sample : family.samples.get()) {
        out.append(family.name)
            .append(sample.suffix)
            .append(sample.labels)
            .append(' ')
            .append(number(sample.value))
            .append('\n');
      }
    }
    return out.toString();
  }

  /** Series in the order of their rendered label sets, so a scrape reads the same every time. */
  private static Supplier<List<Sample>> sorted(Supplier<Map<Map<String, String>, Double>> series) {
    return () -> {
      Map<String, Double> lines = new TreeMap<>();
      series.get().forEach((labels, value) -> lines.put(labels(labels), value));
      List<Sample> samples = new ArrayList<>(lines.size());
      lines.forEach((labels, value) -> samples.add(new Sample("", labels, value)));
      return samples;
    };
  }

  private static List<Sample> histogramSamples(BucketHistogram.Snapshot snapshot) {
    List<Sample> samples = new ArrayList<>();
    double[] bounds = snapshot.upperBounds();
    long[] counts = snapshot.counts();
    long cumulative = 0;
    for (int i = 0; i < counts.length; i++) {
      cumulative += counts[i];
      String le = i < bounds.length ? number(bounds[i]) : "+Inf";
      samples.add(new Sample("_bucket", labels(Map.of("le", le)), cumulative));
    }
    samples.add(new Sample("_sum", "", snapshot.sum()));
    samples.add(new Sample("_count", "", cumulative));
    return samples;
  }

  private static String labels(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("{");
    new TreeMap<>(labels)
        .forEach(
            (k, v) -> {
              if (!LABEL.matcher(k).matches()) {
                throw new IllegalArgumentException("not a Prometheus label name: '" + k + "'");
              }
              if (out.length() > 1) {
                out.append(',');
              }
              out.append(k).append("=\"").append(escapeLabel(v)).append('"');
            });
    return out.append('}').toString();
  }

  private static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%s", value);
  }

  private static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static String escapeLabel(String value) {
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"");
  }

  /** One line of a family: the name's suffix, the rendered label set and the value. */
  private record Sample(String suffix, String labels, double value) {}

  private record Family(String name, String help, String type, Supplier<List<Sample>> samples) {}
}
