package io.calmon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

  @Test
  void shouldRenderCountersAndLabelledGaugesInTheTextFormat() {
    AtomicLong events = new AtomicLong(3);
    MetricsRegistry registry =
        new MetricsRegistry()
            .counter("calmon_events_total", "Events read.", events::get)
            .gauges(
                "calmon_ece",
                "Latest ECE.",
                () ->
                    Map.of(
                        Map.of("deployment", "d\"1", "group", "new"), 0.125,
                        Map.of("deployment", "d2", "group", "base"), 0.0));
    events.set(7);
    assertEquals(
        "# HELP calmon_events_total Events read.\n"
            + "# TYPE calmon_events_total counter\n"
            + "calmon_events_total 7\n"
            + "# HELP calmon_ece Latest ECE.\n"
            + "# TYPE calmon_ece gauge\n"
            + "calmon_ece{deployment=\"d2\",group=\"base\"} 0\n"
            + "calmon_ece{deployment=\"d\\\"1\",group=\"new\"} 0.125\n",
        registry.render());
  }

  @Test
  void shouldRenderLabelledCountersAndHistogramsInTheTextFormat() {
    BucketHistogram sizes = new BucketHistogram(1, 2, 4);
    for (double size : new double[] {1, 3, 4, 4, 9}) {
      sizes.observe(size);
    }
    MetricsRegistry registry =
        new MetricsRegistry()
            .counters(
                "calmon_dead_letters_total",
                "Dead letters.",
                () ->
                    Map.of(
                        Map.of("reason", "CORRUPT_IMAGE"), 2.0,
                        Map.of("reason", "CORRUPT_BODY"), 1.0))
            .histogram("calmon_batch_size", "Images per batch.", sizes::snapshot);
    assertEquals(
        "# HELP calmon_dead_letters_total Dead letters.\n"
            + "# TYPE calmon_dead_letters_total counter\n"
            + "calmon_dead_letters_total{reason=\"CORRUPT_BODY\"} 1\n"
            + "calmon_dead_letters_total{reason=\"CORRUPT_IMAGE\"} 2\n"
            + "# HELP calmon_batch_size Images per batch.\n"
            + "# TYPE calmon_batch_size histogram\n"
            + "calmon_batch_size_bucket{le=\"1\"} 1\n"
            + "calmon_batch_size_bucket{le=\"2\"} 1\n"
            + "calmon_batch_size_bucket{le=\"4\"} 4\n"
            + "calmon_batch_size_bucket{le=\"+Inf\"} 5\n"
            + "calmon_batch_size_sum 21\n"
            + "calmon_batch_size_count 5\n",
        registry.render());
  }

  @Test
  void shouldRefuseBadAndDuplicateNames() {
    MetricsRegistry registry = new MetricsRegistry().counter("a_total", "a", () -> 1);
    assertThrows(IllegalArgumentException.class, () -> registry.counter("a_total", "a", () -> 1));
    assertThrows(IllegalArgumentException.class, () -> registry.gauge("bad-name", "b", () -> 1));
  }

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
      assertTrue(ok.body().contains("calmon_events_total 42\n"), ok.body());
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
