package io.calmon.scorer;

import io.calmon.broker.testing.KafkaContainers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Every test of {@link ScorerGroupIT} (an instance joining and leaving, one crashing with its
 * transaction open, one failing on a bug mid-transaction) against Apache's own Kafka image of the
 * client jars' release. The container gets the embedded broker's settings that the tests lean on
 * ({@link ScorerGroupIT#BROKER_PROPERTIES}), above all the transaction-abort check every second, on
 * which the crash hand-over's pace depends (a stock broker checks every 10 s). Needs a Docker
 * engine; where there is none (as on the build machines) JUnit skips the class.
 */
@Testcontainers(disabledWithoutDocker = true)
class ScorerGroupContainerIT extends ScorerGroupIT {

  private static KafkaContainer kafka;

  /** Hides {@link ScorerGroupIT#startBroker()}: a container instead of the embedded broker. */
  @BeforeAll
  static void startBroker() {
    kafka = KafkaContainers.apacheKafka(BROKER_PROPERTIES);
    kafka.start();
    bootstrap = kafka.getBootstrapServers();
  }

  /** Hides {@link ScorerGroupIT#stopBroker()}. */
  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.stop();
    }
  }
}
