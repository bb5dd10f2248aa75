package io.calmon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation and generated settings, without starting a broker. */
class EmbeddedKafkaBrokerBuilderTest {

  @Test
  void shouldRejectAPortOutOfRange() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EmbeddedKafkaBroker.builder().optPort(70000).build());
    assertTrue(e.getMessage().contains("70000"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> EmbeddedKafkaBroker.builder().optPort(-1).build());
  }

  @Test
  void shouldRejectADataDirThatIsAFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EmbeddedKafkaBroker.builder().optDataDir(file).build());
    assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
  }

  @Test
  void shouldRejectOverridingTheNodeIdentity() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EmbeddedKafkaBroker.builder().optBrokerProperty("listeners", "x").build());
    assertTrue(e.getMessage().contains("'listeners'"), e.getMessage());
  }

  @Test
  void shouldRejectANonPositiveStartTimeout() {
    assertThrows(
        IllegalArgumentException.class,
        () -> EmbeddedKafkaBroker.builder().optStartTimeout(Duration.ZERO).build());
  }

  @Test
  void shouldRefuseBootstrapServersBeforeStart() {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
    assertThrows(IllegalStateException.class, broker::bootstrapServers);
  }

  @Test
  void shouldConfigureASingleNodeOnLoopbackWithExtrasOnTop(@TempDir Path dir) {
    Properties p =
        EmbeddedBrokerConfig.serverProperties(
            dir, 9092, 9093, null, 0, Map.of("log.retention.ms", "1000", "num.partitions", "3"));
    assertEquals("broker,controller", p.getProperty("process.roles"));
    assertEquals("1@127.0.0.1:9093", p.getProperty("controller.quorum.voters"));
    assertEquals(
        "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093", p.getProperty("listeners"));
    assertEquals("1", p.getProperty("transaction.state.log.replication.factor"));
    assertEquals("1", p.getProperty("transaction.state.log.min.isr"));
    assertEquals("1", p.getProperty("offsets.topic.replication.factor"));
    assertEquals("0", p.getProperty("group.initial.rebalance.delay.ms"));
    assertEquals("1000", p.getProperty("log.retention.ms"));
    assertEquals("3", p.getProperty("num.partitions"));
  }
}
