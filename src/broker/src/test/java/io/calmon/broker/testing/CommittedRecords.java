package io.calmon.broker.testing;

import io.calmon.kafka.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what the integration tests check: the <em>committed</em> Avro records of a topic ({@code
 * read_committed}, so aborted transactions of a crashed instance are not counted), from the
 * beginning of every partition, without a consumer group. Tombstones are skipped. Every read waits
 * at most {@code patience} and then fails the test naming the topic and what it saw.
 */
public final class CommittedRecords {

  private CommittedRecords() {}

  /** Every committed record of {@code topic} up to its end offsets (the last stable offsets). */
  public static <T extends SpecificRecord> List<T> all(
      String bootstrap, String topic, Class<T> type, Duration patience) {
    return once(bootstrap, topic, type, seen -> true, patience);
  }

  /**
   * The committed records of {@code topic} read from the start up to its end offsets, once {@code
   * enough} holds for them (the end offsets are re-read until then).
   */
  public static <T extends SpecificRecord> List<T> once(
      String bootstrap, String topic, Class<T> type, Predicate<List<T>> enough, Duration patience) {
    AvroSerde<T> serde = AvroSerde.of(type);
    try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
      List<TopicPartition> partitions = assignFromStart(consumer, topic);
      List<T> seen = new ArrayList<>();
      long deadline = System.nanoTime() + patience.toNanos();
      while (true) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        boolean atEnd = partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
        if (atEnd && enough.test(seen)) {
          return seen;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("not within " + patience + " on " + topic + ": " + seen);
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() != null) {
            seen.add(serde.deserialize(topic, record.value()));
          }
        }
      }
    }
  }

  /** The first committed record of {@code topic} that {@code wanted} accepts. */
  public static <T extends SpecificRecord> T first(
      String bootstrap, String topic, Class<T> type, Predicate<T> wanted, Duration patience) {
    AvroSerde<T> serde = AvroSerde.of(type);
    try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
      assignFromStart(consumer, topic);
      long deadline = System.nanoTime() + patience.toNanos();
      List<T> seen = new ArrayList<>();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() == null) {
            continue;
          }
          T value = serde.deserialize(topic, record.value());
          if (wanted.test(value)) {
            return value;
          }
          seen.add(value);
        }
      }
      throw new AssertionError(
          "no matching record on " + topic + " within " + patience + ": " + seen);
    }
  }

  private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed"),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  private static List<TopicPartition> assignFromStart(
      KafkaConsumer<String, byte[]> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return partitions;
  }
}
