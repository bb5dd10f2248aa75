package io.calmon.monitor;

import io.calmon.broker.testing.KafkaContainers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Every test of {@link MonitorServiceIT}, against Apache's own Kafka image of the client jars'
 * release instead of the embedded broker: what passes in-process passes on a stock broker too.
 * Needs a Docker engine; where there is none (as on the build machines) JUnit skips the class.
 */
@Testcontainers(disabledWithoutDocker = true)
class MonitorServiceContainerIT extends MonitorServiceIT {

  private static KafkaContainer kafka;

  /** Hides {@link MonitorServiceIT#startBroker()}: a container instead of the embedded broker. */
  @BeforeAll
  static void startBroker() {
    kafka = KafkaContainers.apacheKafka();
    kafka.start();
    bootstrap = kafka.getBootstrapServers();
  }

  /** Hides {@link MonitorServiceIT#stopBroker()}. */
  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.stop();
    }
  }
}
