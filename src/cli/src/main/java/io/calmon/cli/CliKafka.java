package io.calmon.cli;

import io.calmon.kafka.KafkaClientConfig;
import io.calmon.kafka.TopicFollower;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients for the commands that publish or read records (no consumer group). */
public final class CliKafka {

  private CliKafka() {}

  /** An idempotent producer that waits for all in-sync replicas, on a plaintext cluster. */
  public static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
    return producer(bootstrapServers, KafkaClientConfig.none());
  }

  /** An idempotent producer that waits for all in-sync replicas, with the client properties. */
  public static KafkaProducer<String, byte[]> producer(
      String bootstrapServers, KafkaClientConfig kafka) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(kafka.applyTo(p), new StringSerializer(), new ByteArraySerializer());
  }

  /** A consumer of committed records only (the monitor writes in transactions), plaintext. */
  public static KafkaConsumer<String, byte[]> consumer(String bootstrapServers) {
    return consumer(bootstrapServers, KafkaClientConfig.none());
  }

  /** A consumer of committed records only, with the client properties. */
  public static KafkaConsumer<String, byte[]> consumer(
      String bootstrapServers, KafkaClientConfig kafka) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(
        kafka.applyTo(p), new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Assigns every partition of {@code topic}, at its start or its end. */
  static List<TopicPartition> assign(
      KafkaConsumer<String, byte[]> consumer, String topic, boolean fromBeginning) {
    List<TopicPartition> partitions = new ArrayList<>();
    consumer
        .partitionsFor(topic)
        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    consumer.assign(partitions);
    if (fromBeginning) {
      consumer.seekToBeginning(partitions);
    } else {
      consumer.seekToEnd(partitions);
    }
    return partitions;
  }

  /**
   * Reads {@code topic} (committed records) from its start to its current end, handing each over.
   */
  public static void readToEnd(
      String bootstrapServers, String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
    readToEnd(bootstrapServers, KafkaClientConfig.none(), topic, each);
  }

  /** {@link #readToEnd(String, String, Consumer)} with the client properties. */
  public static void readToEnd(
      String bootstrapServers,
      KafkaClientConfig kafka,
      String topic,
      Consumer<ConsumerRecord<String, byte[]>> each) {
    try (TopicFollower follower = new TopicFollower(bootstrapServers, kafka, null)) {
      follower.assignFromBeginning(List.of(topic), Duration.ofSeconds(30));
      follower.readToEnd(each, Duration.ofHours(1));
    } catch (IllegalStateException e) {
      throw new UserError("--bootstrap-servers " + bootstrapServers + ": " + e.getMessage(), e);
    }
  }
}
