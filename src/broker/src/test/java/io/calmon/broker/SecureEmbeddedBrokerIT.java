package io.calmon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.broker.testing.TestCertificates;
import io.calmon.kafka.AclAdmin;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaAuthenticationException;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.kafka.TopicAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker's SASL_SSL listener: SCRAM-SHA-512 over TLS with a CA made by the test, the
 * StandardAuthorizer and nothing allowed without an ACL.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SecureEmbeddedBrokerIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir static Path dir;
  private static EmbeddedKafkaBroker broker;
  private static TestCertificates certificates;

  @BeforeAll
  static void startASecuredBroker() throws Exception {
    certificates = TestCertificates.create(dir);
    broker = EmbeddedKafkaBroker.builder().optSaslSsl(certificates.listener()).build().start();
    broker.createScramUser("alice", "alice-pw");
    broker.createScramUser("bob", "bob-pw");
    try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers(), TIMEOUT)) {
      admin.createAll(CalmonTopics.withPrefix("sec-"), 1, (short) 1);
    }
    AclAdmin.create(
        broker.bootstrapServers(),
        KafkaClientConfig.none(),
        TIMEOUT,
        List.of(
            new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, "sec-labels", PatternType.LITERAL),
                new AccessControlEntry(
                    "User:alice", "*", AclOperation.WRITE, AclPermissionType.ALLOW))));
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldLetAUserWithAnAclWriteOverSaslSsl() throws Exception {
    try (KafkaProducer<String, String> producer = producer("alice", "alice-pw")) {
      producer.send(new ProducerRecord<>("sec-labels", "e1", "cat")).get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldRefuseATopicTheUserHasNoAclFor() {
    try (KafkaProducer<String, String> producer = producer("bob", "bob-pw")) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  producer
                      .send(new ProducerRecord<>("sec-labels", "e1", "cat"))
                      .get(20, TimeUnit.SECONDS));
      assertInstanceOf(TopicAuthorizationException.class, e.getCause());
    }
  }

  @Test
  void shouldEndAConnectionWithAWrongPasswordAtOnceWithoutTheSecret() {
    KafkaClientConfig wrong =
        KafkaClientConfig.of(null, certificates.scramClient("alice", "not-alice-pw"));
    long start = System.nanoTime();

    KafkaAuthenticationException e =
        assertThrows(
            KafkaAuthenticationException.class,
            () -> TopicAdmin.connect(broker.secureBootstrapServers(), wrong, TIMEOUT).close());

    assertTrue(System.nanoTime() - start < TIMEOUT.toNanos() / 2, "did not wait for the timeout");
    assertTrue(e.reason().contains("SCRAM-SHA-512"), e.reason());
    assertFalse(e.getMessage().contains("not-alice-pw"), e.getMessage());
  }

  @Test
  void shouldLetTheSuperUserOnThePlaintextListenerAdministerTheCluster() {
    try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers(), TIMEOUT)) {
      assertTrue(admin.listTopics().contains("sec-prompt-versions"));
    }
    assertEquals("127.0.0.1", broker.secureBootstrapServers().substring(0, "127.0.0.1".length()));
  }

  private static KafkaProducer<String, String> producer(String user, String password) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.secureBootstrapServers());
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
    KafkaClientConfig.of(null, certificates.scramClient(user, password)).applyTo(p);
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }
}
