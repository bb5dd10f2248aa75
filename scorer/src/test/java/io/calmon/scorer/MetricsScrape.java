package io.calmon.scorer;

import io.calmon.service.testing.ScrapedMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/** Reads a Prometheus endpoint over HTTP into series name (with labels) -> value text. */
final class MetricsScrape {

  private MetricsScrape() {}

  /** A port free at this moment, for a service whose port 0 means "off". */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GET http://127.0.0.1:port/metrics; every sample line, e.g. {@code a_total{reason="X"}}. */
  static Map<String, String> scrape(int port) throws IOException, InterruptedException {
    return ScrapedMetrics.scrape(port);
  }

  /**
   * Sample lines of the text format: the series, then its value, whole numbers without {@code .0}
   * (see {@link ScrapedMetrics#parse}); comments skipped.
   */
  static Map<String, String> parse(String body) {
    return ScrapedMetrics.parse(body);
  }
}
