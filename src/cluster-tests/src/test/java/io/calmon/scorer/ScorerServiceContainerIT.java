package io.calmon.scorer;

import io.calmon.broker.testing.KafkaContainers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Every test of {@link ScorerServiceIT} (two instances with hot swaps and dead letters; a crash and
 * a restart with the same id) against Apache's own Kafka image of the client jars' release, with
 * the scorer tests' broker settings ({@link ScorerKafka#BROKER_PROPERTIES}). Needs a Docker engine;
 * where there is none (as on the build machines) JUnit skips the class.
 */
@Testcontainers(disabledWithoutDocker = true)
class ScorerServiceContainerIT extends ScorerServiceIT {

  private static KafkaContainer kafka;

  /** Hides {@link ScorerServiceIT#startBroker()}: a container instead of the embedded broker. */
  @BeforeAll
  static void startBroker() {
    kafka = KafkaContainers.apacheKafka(ScorerKafka.BROKER_PROPERTIES);
    kafka.start();
    bootstrap = kafka.getBootstrapServers();
  }

  /** Hides {@link ScorerServiceIT#stopBroker()}. */
  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.stop();
    }
  }
}
