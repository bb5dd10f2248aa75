package io.calmon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.service.testing.BinderMetricNames;
import io.calmon.service.testing.ScrapedMetrics;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What a {@link MetricsRegistry} renders: names, labels and values in the text format. */
class MetricsRegistryTest {

  @Test
  void shouldRenderEveryKindOfMetricInTheTextFormat() {
    AtomicLong events = new AtomicLong(3);
    BucketHistogram sizes = new BucketHistogram(1, 2, 4);
    for (double size : new double[] {1, 3, 4, 4, 9}) {
      sizes.observe(size);
    }
    MetricsRegistry registry =
        new MetricsRegistry()
            .counter("calmon_events_total", "Events read.", events::get)
            .gauges(
                "calmon_ece",
                "Latest ECE.",
                () ->
                    Map.of(
                        Map.of("deployment", "d\"1", "group", "new"), 0.125,
                        Map.of("deployment", "d2", "group", "base"), 0.0))
            .counters(
                "calmon_dead_letters_total",
                "Dead letters.",
                () ->
                    Map.of(
                        Map.of("reason", "CORRUPT_IMAGE"), 2.0,
                        Map.of("reason", "CORRUPT_BODY"), 1.0))
            .histogram("calmon_batch_size", "Images per batch.", sizes::snapshot)
            .gauge("calmon_ratio", "A ratio.", () -> 0.5)
            .info("calmon_shop_info", "Always 1.", Map.of("deployment", "shop"));
    events.set(7);

    assertEquals(
        "# HELP calmon_batch_size Images per batch.\n"
            + "# TYPE calmon_batch_size histogram\n"
            + "calmon_batch_size_bucket{le=\"1.0\"} 1\n"
            + "calmon_batch_size_bucket{le=\"2.0\"} 1\n"
            + "calmon_batch_size_bucket{le=\"4.0\"} 4\n"
            + "calmon_batch_size_bucket{le=\"+Inf\"} 5\n"
            + "calmon_batch_size_count 5\n"
            + "calmon_batch_size_sum 21.0\n"
            + "# HELP calmon_dead_letters_total Dead letters.\n"
            + "# TYPE calmon_dead_letters_total counter\n"
            + "calmon_dead_letters_total{reason=\"CORRUPT_BODY\"} 1.0\n"
            + "calmon_dead_letters_total{reason=\"CORRUPT_IMAGE\"} 2.0\n"
            + "# HELP calmon_ece Latest ECE.\n"
            + "# TYPE calmon_ece gauge\n"
            + "calmon_ece{deployment=\"d\\\"1\",group=\"new\"} 0.125\n"
            + "calmon_ece{deployment=\"d2\",group=\"base\"} 0.0\n"
            + "# HELP calmon_events_total Events read.\n"
            + "# TYPE calmon_events_total counter\n"
            + "calmon_events_total 7.0\n"
            + "# HELP calmon_ratio A ratio.\n"
            + "# TYPE calmon_ratio gauge\n"
            + "calmon_ratio 0.5\n"
            + "# HELP calmon_shop_info Always 1.\n"
            + "# TYPE calmon_shop_info gauge\n"
            + "calmon_shop_info{deployment=\"shop\"} 1\n",
        registry.render());
  }

  @Test
  void shouldFollowTheLabelSetsOfLabelledSeriesFromScrapeToScrape() {
    AtomicReference<Map<Map<String, String>, Double>> shots =
        new AtomicReference<>(Map.of(Map.of("class", "cat"), 3.0));
    AtomicReference<Map<Map<String, String>, Double>> letters = new AtomicReference<>(Map.of());
    MetricsRegistry registry =
        new MetricsRegistry()
            .gauges("calmon_shots", "Shots per class.", shots::get)
            .counters("calmon_letters_total", "Letters by reason.", letters::get);
    assertEquals(
        Map.of("calmon_shots{class=\"cat\"}", "3"), ScrapedMetrics.parse(registry.render()));

    shots.set(Map.of(Map.of("class", "dog"), 5.0));
    letters.set(Map.of(Map.of("reason", "LATE"), 2.0));
    assertEquals(
        Map.of("calmon_shots{class=\"dog\"}", "5", "calmon_letters_total{reason=\"LATE\"}", "2"),
        ScrapedMetrics.parse(registry.render()),
        "a gauge's label set that is gone is no longer scraped; a counter's new one is");

    letters.set(Map.of(Map.of("reason", "LATE"), 4.0));
    assertEquals(
        "4", ScrapedMetrics.parse(registry.render()).get("calmon_letters_total{reason=\"LATE\"}"));
  }

  @Test
  void shouldKeepReadingItsFunctionsAfterAGarbageCollection() {
    AtomicLong events = new AtomicLong(5);
    MetricsRegistry registry =
        new MetricsRegistry()
            .counter("calmon_events_total", "Events.", () -> events.get())
            .gauge("calmon_level", "Level.", () -> events.get() * 2.0);
    for (int i = 0; i < 3; i++) {
      System.gc(); // Micrometer holds a function counter's function weakly: the registry must not
    }
    Map<String, String> scraped = ScrapedMetrics.parse(registry.render());
    assertEquals("5", scraped.get("calmon_events_total"));
    assertEquals("10", scraped.get("calmon_level"));
  }

  @Test
  void shouldRefuseNamesThatWouldNotBeScrapedAsGiven() {
    MetricsRegistry registry = new MetricsRegistry().counter("a_total", "a", () -> 1);
    assertThrows(IllegalArgumentException.class, () -> registry.counter("a_total", "a", () -> 1));
    assertThrows(IllegalArgumentException.class, () -> registry.gauge("bad-name", "b", () -> 1));
    assertThrows(IllegalArgumentException.class, () -> registry.counter("c", "no _total", () -> 1));
    for (String reserved : new String[] {"g_total", "g_created", "g_bucket", "g_info"}) {
      assertThrows(
          IllegalArgumentException.class, () -> registry.gauge(reserved, "g", () -> 1), reserved);
    }
    assertThrows(IllegalArgumentException.class, () -> registry.info("i", "no _info", Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> registry.gauges("g", "g", () -> Map.of(Map.of("bad-label", "x"), 1.0)).render());
  }

  @Test
  void shouldScrapeEveryJvmMetricOnTheListOnceAdded() {
    String plain = new MetricsRegistry().render();
    assertFalse(plain.contains("jvm_"), "no JVM metrics unless asked for: " + plain);

    try (MetricsRegistry registry = new MetricsRegistry().withJvmMetrics()) {
      Set<String> names = new TreeSet<>();
      for (String series : ScrapedMetrics.seriesNames(registry.render(), "")) {
        names.add(series.replaceAll("\\{.*", ""));
      }
      assertTrue(names.containsAll(BinderMetricNames.JVM), "scraped: " + names);
      assertTrue(
          ScrapedMetrics.seriesNames(registry.render(), BinderMetricNames.JVM_MEMORY_USED)
              .contains("jvm_memory_used_bytes{area,id}"));
    }
  }
}
