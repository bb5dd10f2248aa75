package io.calmon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produce/consume checks shared by the embedded-broker and the Testcontainers tests, so both run
 * exactly the same assertions.
 */
final class RoundTrip {

  /** Long enough for a slow build machine; a passing test never waits this long. */
  static final Duration PATIENCE = Duration.ofSeconds(30);

  private RoundTrip() {}

  static void createTopic(String bootstrap, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** Sends {@code values} (keyed k0, k1, ...) and waits until each is acknowledged. */
  static void produce(String bootstrap, String topic, List<String> values) throws Exception {
    Properties p = producerProps(bootstrap);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < values.size(); i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, values.get(i))).get();
      }
    }
  }

  /** Sends {@code committed} in one committed transaction and {@code aborted} in an aborted one. */
  static void produceTransactions(
      String bootstrap, String topic, List<String> committed, List<String> aborted) {
    Properties p = producerProps(bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "calmon-test-" + UUID.randomUUID());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      producer.beginTransaction();
      aborted.forEach(v -> producer.send(new ProducerRecord<>(topic, "a", v)));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      committed.forEach(v -> producer.send(new ProducerRecord<>(topic, "c", v)));
      producer.commitTransaction();
    }
  }

  /**
   * Reads the topic from the beginning until {@code expected} values arrived (or patience runs out)
   * and returns what was read.
   */
  static List<String> consume(String bootstrap, String topic, int expected, boolean readCommitted) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "calmon-test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        readCommitted ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<String> values = new ArrayList<>();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
    }
    return values;
  }

  /** The plain round trip: what is produced is consumed, in order. */
  static void assertPlainRoundTrip(String bootstrap, String topic) throws Exception {
    createTopic(bootstrap, topic);
    List<String> sent = List.of("ece-0.031", "ece-0.045", "ece-0.112");
    produce(bootstrap, topic, sent);
    assertEquals(sent, consume(bootstrap, topic, sent.size(), false));
  }

  /** A read_committed consumer sees the committed transaction only. */
  static void assertTransactionalRoundTrip(String bootstrap, String topic) throws Exception {
    createTopic(bootstrap, topic);
    List<String> committed = List.of("committed-1", "committed-2");
    produceTransactions(bootstrap, topic, committed, List.of("aborted-1"));
    assertEquals(committed, consume(bootstrap, topic, committed.size(), true));
  }

  private static Properties producerProps(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }
}
