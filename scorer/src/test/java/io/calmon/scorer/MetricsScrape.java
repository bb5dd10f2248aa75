package io.calmon.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
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
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return parse(response.body());
  }

  /** Sample lines of the text format: the series, a space, the value; comments skipped. */
  static Map<String, String> parse(String body) {
    Map<String, String> samples = new LinkedHashMap<>();
    for (String line : body.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), line.substring(space + 1));
    }
    return samples;
  }
}
