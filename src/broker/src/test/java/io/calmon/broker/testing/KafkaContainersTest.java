package io.calmon.broker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.testcontainers.kafka.KafkaContainer;

/** The container's settings, checked without Docker (nothing here starts a container). */
class KafkaContainersTest {

  @Test
  void shouldNameTheImageAfterTheClientRelease() {
    assertEquals("apache/kafka", KafkaContainers.IMAGE.getRepository());
    assertEquals(AppInfoParser.getVersion(), KafkaContainers.IMAGE.getVersionPart());
  }

  @Test
  void shouldSpellBrokerPropertiesAsTheImagesEnvironmentVariables() {
    assertEquals(
        "KAFKA_TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS",
        KafkaContainers.environmentVariable(
            "transaction.abort.timed.out.transaction.cleanup.interval.ms"));
    assertEquals("KAFKA_ABC__DEF", KafkaContainers.environmentVariable("abc_def"));
    assertEquals("KAFKA_ABC___DEF", KafkaContainers.environmentVariable("abc-def"));
  }

  @Test
  void shouldRefuseNamesTheImageCannotSpell() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> KafkaContainers.environmentVariable("log retention"));
    assertTrue(e.getMessage().contains("'log retention'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> KafkaContainers.environmentVariable(" "));
  }

  @Test
  void shouldPassBrokerPropertiesAsEnvironmentVariables() {
    try (KafkaContainer kafka =
        KafkaContainers.apacheKafka(Map.of("log.retention.check.interval.ms", "100"))) {
      assertEquals("100", kafka.getEnvMap().get("KAFKA_LOG_RETENTION_CHECK_INTERVAL_MS"));
    }
  }
}
