package io.calmon.kafka.service;

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
 * java.util.concurrent.atomic.LongAdder}) and nothing is copied on the hot path. Rendered in the
 * Prometheus text exposition format (version 0.0.4) by {@link #render()}.
 */
public final class MetricsRegistry {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final List<Family> families = new ArrayList<>();

  /** A monotonic counter; by Prometheus convention its name ends in {@code _total}. */
  public synchronized MetricsRegistry counter(String name, String help, LongSupplier value) {
    Objects.requireNonNull(value, "value");
    return add(name, help, "counter", () -> Map.of(Map.of(), (double) value.getAsLong()));
  }

  /** A value that goes up and down. */
  public synchronized MetricsRegistry gauge(String name, String help, DoubleSupplier value) {
    Objects.requireNonNull(value, "value");
    return add(name, help, "gauge", () -> Map.of(Map.of(), value.getAsDouble()));
  }

  /**
   * A gauge with one series per label set, e.g. the latest ECE per (deployment, group): the
   * supplier returns label maps to values.
   */
  public synchronized MetricsRegistry gauges(
      String name, String help, Supplier<Map<Map<String, String>, Double>> series) {
    return add(name, help, "gauge", Objects.requireNonNull(series, "series"));
  }

  private MetricsRegistry add(
      String name, String help, String type, Supplier<Map<Map<String, String>, Double>> series) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a Prometheus metric name: '" + name + "'");
    }
    if (families.stream().anyMatch(f -> f.name.equals(name))) {
      throw new IllegalArgumentException("metric '" + name + "' registered twice");
    }
    families.add(new Family(name, help, type, series));
    return this;
  }

  /** Every metric in the Prometheus text format, one {@code # HELP}/{@code # TYPE} block each. */
  public synchronized String render() {
    StringBuilder out = new StringBuilder();
    for (Family family : families) {
      out.append("# HELP ").append(family.name).append(' ').append(escapeHelp(family.help));
      out.append('\n');
      out.append("# TYPE ").append(family.name).append(' ').append(family.type).append('\n');
      Map<String, Double> lines = new TreeMap<>();
      family.series.get().forEach((labels, value) -> lines.put(labels(labels), value));
      lines.forEach(
          (labels, value) ->
              out.append(family.name)
                  .append(labels)
                  .append(' ')
                  .append(number(value))
                  .append('\n'));
    }
    return out.toString();
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

  private record Family(
      String name, String help, String type, Supplier<Map<Map<String, String>, Double>> series) {}
}
