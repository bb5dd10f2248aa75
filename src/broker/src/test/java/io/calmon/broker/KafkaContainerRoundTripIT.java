package io.calmon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calmon.broker.testing.KafkaContainers;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.TopicAdmin;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The embedded broker's round-trip assertions against Apache's own Kafka image, to show that what
 * passes on the embedded broker passes on a stock Kafka too. Needs a Docker engine; where there is
 * none (as on the build machines) JUnit skips the class instead of failing.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerRoundTripIT {

  /** The image of the same Kafka release as the client jars. */
  @Container private static final KafkaContainer KAFKA = KafkaContainers.apacheKafka();

  @Test
  void shouldConsumeWhatWasProduced() throws Exception {
    RoundTrip.assertPlainRoundTrip(KAFKA.getBootstrapServers(), "round-trip");
  }

  @Test
  void shouldShowOnlyCommittedTransactionsToReadCommittedConsumers() throws Exception {
    RoundTrip.assertTransactionalRoundTrip(KAFKA.getBootstrapServers(), "transactions");
  }

  @Test
  void shouldCreateTheCatalogueIdempotently() {
    try (TopicAdmin admin = TopicAdmin.connect(KAFKA.getBootstrapServers(), RoundTrip.PATIENCE)) {
      admin.createAll(CalmonTopics.standard(), 1, (short) 1);
      TopicAdmin.CreateResult again = admin.createAll(CalmonTopics.standard(), 1, (short) 1);
      assertEquals(List.of(), again.created());
      assertEquals("compact", admin.cleanupPolicy("prompt-versions").orElseThrow());
    }
  }
}
