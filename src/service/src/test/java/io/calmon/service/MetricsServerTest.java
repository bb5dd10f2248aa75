package io.calmon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The metrics endpoint over HTTP: {@code /metrics}, {@code /health}, anything else 404. */
class MetricsServerTest {

  @Test
  void shouldServeTheRegistryOverHttp() throws Exception {
    AtomicLong events = new AtomicLong(41);
    MetricsRegistry registry =
        new MetricsRegistry().counter("calmon_events_total", "Events.", events::incrementAndGet);
    try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, registry)) {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> ok =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode());
      assertTrue(ok.body().contains("calmon_events_total 42.0\n"), ok.body());
      assertTrue(ok.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
      HttpResponse<String> missing =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/other"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(404, missing.statusCode());
    }
  }

  @Test
  void shouldAnswerHealthWithTheServicesProblemOrOk() throws Exception {
    AtomicReference<Optional<String>> problem = new AtomicReference<>(Optional.empty());
    try (MetricsServer server =
        MetricsServer.start("127.0.0.1", 0, new MetricsRegistry(), problem::get)) {
      HttpClient client = HttpClient.newHttpClient();
      HttpRequest health =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
              .build();
      HttpResponse<String> ok = client.send(health, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode());
      assertEquals("ok\n", ok.body());
      problem.set(Optional.of("scorer stopped: fenced"));
      HttpResponse<String> down = client.send(health, HttpResponse.BodyHandlers.ofString());
      assertEquals(503, down.statusCode());
      assertEquals("scorer stopped: fenced\n", down.body());
    }
  }
}
