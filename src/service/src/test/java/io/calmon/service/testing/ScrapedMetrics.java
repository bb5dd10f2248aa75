package io.calmon.service.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A page of the Prometheus text format read back, as a test sees a scrape: every series (its name
 * with labels, e.g. {@code a_total{reason="X"}}) and its value.
 */
public final class ScrapedMetrics {

  private static final Pattern SERIES = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?");

  private ScrapedMetrics() {}

  /** GET http://127.0.0.1:port/metrics, parsed as {@link #parse} does. */
  public static Map<String, String> scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "GET /metrics answered " + response.statusCode() + ": " + response.body());
    }
    return parse(response.body());
  }

  /**
   * Series to value, comments skipped. A whole number reads without the {@code .0} the exposition
   * writes ({@code 5.0} reads {@code 5}); other values read as written ({@code 1.504}, {@code
   * NaN}).
   */
  public static Map<String, String> parse(String body) {
    Map<String, String> samples = new LinkedHashMap<>();
    for (String line : body.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), wholeNumber(line.substring(space + 1)));
    }
    return samples;
  }

  /**
   * The names of the series whose name starts with {@code prefix}, each with its label names in
   * order, e.g. {@code calmon_scorer_info{deployment,instance_id}}: what a dashboard or an alert
   * can select, without the values of labels.
   */
  public static SortedSet<String> seriesNames(String body, String prefix) {
    SortedSet<String> names = new TreeSet<>();
    for (String series : parse(body).keySet()) {
      Matcher m = SERIES.matcher(series);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a series: " + series);
      }
      if (!m.group(1).startsWith(prefix)) {
        continue;
      }
      SortedSet<String> labels = m.group(2) == null ? new TreeSet<>() : labelNames(m.group(2));
      names.add(m.group(1) + (labels.isEmpty() ? "" : "{" + String.join(",", labels) + "}"));
    }
    return names;
  }

  /**
   * A list of series names in the form of {@link #seriesNames}, one a line, from the resource
   * {@code name} next to {@code owner}; lines starting with {@code #} are comments.
   */
  public static SortedSet<String> listedNames(Class<?> owner, String name) throws IOException {
    try (InputStream in = owner.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no resource " + name + " next to " + owner.getName());
      }
      SortedSet<String> names = new TreeSet<>();
      new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .forEach(line -> names.add(line.strip()));
      return names;
    }
  }

  /** The names in {@code a="x",b="y"}: each value is skipped up to its closing quote. */
  private static SortedSet<String> labelNames(String labels) {
    SortedSet<String> names = new TreeSet<>();
    int i = 0;
    while (i < labels.length()) {
      int open = labels.indexOf("=\"", i);
      if (open < 0) {
        throw new IllegalArgumentException("not a label set: " + labels);
      }
      names.add(labels.substring(i, open));
      int j = open + 2;
      while (labels.charAt(j) != '"') {
        j += labels.charAt(j) == '\\' ? 2 : 1;
      }
      i = j + 1;
      if (i < labels.length() && labels.charAt(i) == ',') {
        i++;
      }
    }
    return names;
  }

  private static String wholeNumber(String value) {
    try {
      double d = Double.parseDouble(value);
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return Long.toString((long) d);
      }
    } catch (NumberFormatException e) {
      // +Inf, -Inf: as written
    }
    return value;
  }
}
