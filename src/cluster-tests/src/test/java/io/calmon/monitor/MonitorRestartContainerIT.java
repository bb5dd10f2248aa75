package io.calmon.monitor;

import io.calmon.broker.testing.KafkaContainers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * {@link MonitorRestartIT} (a stopped monitor, and one that lost its local state, report exactly
 * what an uninterrupted one does) against Apache's own Kafka image of the client jars' release:
 * restoring stores from changelogs and committing transactions on a stock broker. Needs a Docker
 * engine; where there is none (as on the build machines) JUnit skips the class.
 */
@Testcontainers(disabledWithoutDocker = true)
class MonitorRestartContainerIT extends MonitorRestartIT {

  private static KafkaContainer kafka;

  /** Hides {@link MonitorRestartIT#startBroker()}: a container instead of the embedded broker. */
  @BeforeAll
  static void startBroker() {
    kafka = KafkaContainers.apacheKafka();
    kafka.start();
    bootstrap = kafka.getBootstrapServers();
  }

  /** Hides {@link MonitorRestartIT#stopBroker()}. */
  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.stop();
    }
  }
}
