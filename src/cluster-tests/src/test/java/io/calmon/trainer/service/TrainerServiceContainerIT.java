package io.calmon.trainer.service;

import io.calmon.broker.testing.KafkaContainers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Every test of {@link TrainerServiceIT} (versions published per accepted request, a duplicate and
 * a cooled-down request skipped, metrics scraped over HTTP, the reservoir restored from
 * trainer-state after a restart) against Apache's own Kafka image of the client jars' release. The
 * trainer's embedded broker has no settings of its own, so neither has the container. Needs a
 * Docker engine; where there is none (as on the build machines) JUnit skips the class.
 */
@Testcontainers(disabledWithoutDocker = true)
class TrainerServiceContainerIT extends TrainerServiceIT {

  private static KafkaContainer kafka;

  /** Hides {@link TrainerServiceIT#startBroker()}: a container instead of the embedded broker. */
  @BeforeAll
  static void startBroker() {
    kafka = KafkaContainers.apacheKafka();
    kafka.start();
    bootstrap = kafka.getBootstrapServers();
  }

  /** Hides {@link TrainerServiceIT#stopBroker()}. */
  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.stop();
    }
  }
}
