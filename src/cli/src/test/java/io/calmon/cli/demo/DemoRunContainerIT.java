package io.calmon.cli.demo;

import io.calmon.broker.testing.KafkaContainers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * {@link DemoRunIT} on an existing cluster, as {@code calmon demo --bootstrap-servers} runs:
 * Apache's own Kafka image of the client jars' release instead of the demo's embedded broker. Needs
 * a Docker engine; where there is none (as on the build machines) JUnit skips the class.
 */
@Testcontainers(disabledWithoutDocker = true)
class DemoRunContainerIT extends DemoRunIT {

  private static KafkaContainer kafka;

  @BeforeAll
  static void startBroker() {
    kafka = KafkaContainers.apacheKafka();
    kafka.start();
    bootstrapServers = kafka.getBootstrapServers();
  }

  @AfterAll
  static void stopBroker() {
    bootstrapServers = null;
    if (kafka != null) {
      kafka.stop();
    }
  }
}
