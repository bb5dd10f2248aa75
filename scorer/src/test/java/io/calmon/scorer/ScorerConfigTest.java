package io.calmon.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorerConfigTest {

  private static ScorerConfig.Builder valid() {
    return ScorerConfig.builder().setBootstrapServers("127.0.0.1:9092");
  }

  @Test
  void shouldDeriveGroupTransactionalIdAndServiceFromDeploymentAndInstance() {
    ScorerConfig c = valid().optDeployment("shop").optInstanceId("s-2").build();
    assertEquals("calmon-scorer-shop", c.groupId());
    assertEquals("calmon-scorer-shop-s-2", c.transactionalId());
    assertEquals("scorer/s-2", c.serviceName());
    assertEquals(16, c.batchSize());
    assertEquals(Duration.ofMillis(50), c.maxWait());
    assertEquals(5, c.topK());
    assertEquals(64, c.fullProbabilitiesMax());
    assertEquals(0, c.metricsPort(), "the metrics endpoint is off unless asked for");
    assertEquals("127.0.0.1", c.metricsHost());
    assertEquals(Duration.ofSeconds(10), c.transactionTimeout());
    assertEquals(Duration.ofHours(1), c.maxFutureSkew());
    assertEquals(List.of(), c.imageRoots(), "claim checks are off unless roots are given");
    assertEquals(50_000_000L, c.maxPixels());
  }

  @Test
  void shouldGiveEveryInstanceWithoutAnIdItsOwnTransactionalId() {
    ScorerConfig a = valid().build();
    ScorerConfig b = valid().build();
    assertNotEquals(
        a.transactionalId(), b.transactionalId(), "two replicas would fence each other");
    assertTrue(a.instanceId().contains("-" + ProcessHandle.current().pid() + "-"), a.instanceId());
    ScorerConfig.Builder one = valid();
    assertEquals(one.build().instanceId(), one.build().instanceId(), "stable within one builder");
  }

  @Test
  void shouldNameTheBadValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> valid().optBatchSize(0).build());
    assertTrue(e.getMessage().contains("batch size"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> valid().optTemplate("a photo").build());
    assertTrue(e.getMessage().contains("template"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> valid().optInstanceId("a b").build());
    assertTrue(e.getMessage().contains("instance id"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> valid().optMetricsPort(65536).build());
    assertTrue(e.getMessage().contains("metrics port"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> valid().optMetricsHost(" ").build());
    assertTrue(e.getMessage().contains("metrics host"), e.getMessage());
    for (Duration bad : new Duration[] {Duration.ofMillis(999), Duration.ofMinutes(16), null}) {
      e =
          assertThrows(
              IllegalArgumentException.class, () -> valid().optTransactionTimeout(bad).build());
      assertTrue(e.getMessage().contains("transaction timeout"), e.getMessage());
    }
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> valid().optMaxFutureSkew(Duration.ofSeconds(-1)).build());
    assertTrue(e.getMessage().contains("max future skew"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> valid().optImageRoots(List.of(Path.of("relative"))).build());
    assertTrue(e.getMessage().contains("image roots"), e.getMessage());
    // A transaction must commit well before the broker would abort it.
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> valid().optCommitInterval(Duration.ofMillis(5001)).build());
    assertTrue(e.getMessage().contains("commit interval must be in 0..5000ms"), e.getMessage());
    assertEquals(
        Duration.ofSeconds(30),
        valid()
            .optTransactionTimeout(Duration.ofMinutes(1))
            .optCommitInterval(Duration.ofSeconds(30))
            .build()
            .commitInterval());
    e = assertThrows(IllegalArgumentException.class, () -> valid().optDecodeThreads(-1).build());
    assertTrue(e.getMessage().contains("decode threads"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ScorerConfig.builder().build());
    assertTrue(e.getMessage().contains("bootstrap"), e.getMessage());
  }
}
