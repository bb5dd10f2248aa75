package io.calmon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.kafka.CalmonTopic;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaUnreachableException;
import io.calmon.kafka.TopicAdmin;
import io.calmon.kafka.TopicMismatchException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Topic creation against a real broker; every test uses its own prefix. */
class TopicAdminIT {

  private static EmbeddedKafkaBroker broker;
  private static TopicAdmin topicAdmin;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder().build().start();
    topicAdmin = TopicAdmin.connect(broker.bootstrapServers(), RoundTrip.PATIENCE);
  }

  @AfterAll
  static void stopBroker() {
    if (topicAdmin != null) {
      topicAdmin.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldCreateEveryCatalogueTopicWithItsPrefix() {
    CalmonTopics topics = CalmonTopics.withPrefix("create-");

    TopicAdmin.CreateResult result = topicAdmin.createAll(topics, 2, (short) 1);

    List<String> names = topics.all().stream().map(CalmonTopic::name).toList();
    assertEquals(names, result.created());
    assertEquals(List.of(), result.existing());
    assertTrue(topicAdmin.listTopics().containsAll(names));
    assertTrue(names.stream().allMatch(n -> n.startsWith("create-")), names.toString());
  }

  @Test
  void shouldKeepExistingTopicsWhenCreatingTwice() {
    CalmonTopics topics = CalmonTopics.withPrefix("twice-");
    topicAdmin.createAll(topics, 1, (short) 1);

    TopicAdmin.CreateResult second = topicAdmin.createAll(topics, 1, (short) 1);

    assertEquals(List.of(), second.created());
    assertEquals(topics.all().size(), second.existing().size());
  }

  @Test
  void shouldCompactStateTopicsAndDeleteEventTopics() {
    CalmonTopics topics = CalmonTopics.withPrefix("policy-");
    topicAdmin.createAll(topics, 1, (short) 1);

    assertEquals("compact", topicAdmin.cleanupPolicy(topics.promptVersions().name()).orElseThrow());
    assertEquals("compact", topicAdmin.cleanupPolicy(topics.classSets().name()).orElseThrow());
    assertEquals("delete", topicAdmin.cleanupPolicy(topics.imageEvents().name()).orElseThrow());
    assertEquals("delete", topicAdmin.cleanupPolicy(topics.deadLetters().name()).orElseThrow());
  }

  @Test
  void shouldSetMinInSyncReplicasOnEveryNewTopic() throws Exception {
    CalmonTopics topics = CalmonTopics.withPrefix("isr-");
    topicAdmin.createAll(topics, 1, (short) 1);
    ConfigResource predictions =
        new ConfigResource(ConfigResource.Type.TOPIC, topics.predictions().name());
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      org.apache.kafka.clients.admin.ConfigEntry entry =
          admin
              .describeConfigs(List.of(predictions))
              .all()
              .get(RoundTrip.PATIENCE.toSeconds(), TimeUnit.SECONDS)
              .get(predictions)
              .get("min.insync.replicas");
      assertEquals("1", entry.value());
      assertEquals(
          org.apache.kafka.clients.admin.ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG,
          entry.source(),
          "set on the topic, not the broker's default");
    }
  }

  @Test
  void shouldReportAnExistingStateTopicThatIsNotCompacted() throws Exception {
    CalmonTopics topics = CalmonTopics.withPrefix("mismatch-");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(topics.promptVersions().name(), 1, (short) 1)))
          .all()
          .get(RoundTrip.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    TopicMismatchException e =
        assertThrows(
            TopicMismatchException.class, () -> topicAdmin.createAll(topics, 1, (short) 1));

    assertTrue(
        e.getMessage().contains("mismatch-prompt-versions has cleanup.policy=delete"),
        e.getMessage());
    assertTrue(e.getMessage().contains("needs compact"), e.getMessage());
  }

  @Test
  void shouldRefuseMoreReplicasThanBrokers() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> topicAdmin.createAll(CalmonTopics.withPrefix("rf-"), 1, (short) 3));
    assertTrue(e.getMessage().contains("replication 3"), e.getMessage());
  }

  @Test
  void shouldCreateThePlainCatalogueThroughTheStaticShortcut() {
    TopicAdmin.CreateResult result = TopicAdmin.createAll(broker.bootstrapServers(), 1, (short) 1);

    assertEquals(
        CalmonTopics.standard().all().size(), result.created().size() + result.existing().size());
    assertTrue(topicAdmin.listTopics().contains("image-events"));
  }

  @Test
  void shouldFailClearlyWhenNoBrokerAnswers() {
    KafkaUnreachableException e =
        assertThrows(
            KafkaUnreachableException.class,
            () -> TopicAdmin.connect("127.0.0.1:1", Duration.ofMillis(500)));
    assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
  }
}
