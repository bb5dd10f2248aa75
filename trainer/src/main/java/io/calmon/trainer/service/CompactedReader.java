package io.calmon.trainer.service;

import io.calmon.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads compacted topics to their end with all partitions assigned (no group), then keeps following
 * them: the trainer learns the live prompt version and class set this way at start and sees later
 * changes (an operator adding classes, another trainer publishing).
 */
final class CompactedReader implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;

  CompactedReader(String bootstrapServers, KafkaClientConfig kafka, List<String> topics) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // What an aborted transaction wrote (the trainer's own, after a failure) must not be read.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    kafka.applyTo(p);
    consumer = new KafkaConsumer<>(p);
    List<TopicPartition> partitions =
        topics.stream()
            .flatMap(
                t ->
                    consumer.partitionsFor(t, Duration.ofSeconds(30)).stream()
                        .map(i -> new TopicPartition(t, i.partition())))
            .toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException(
          "topics " + topics + " have no partitions: create them first");
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Reads until every partition's end offset at the time of the call is reached. */
  void readToEnd(Consumer<ConsumerRecord<String, byte[]>> sink, Duration timeout) {
    Map<TopicPartition, Long> ends =
        new LinkedHashMap<>(consumer.endOffsets(consumer.assignment()));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "could not read " + ends.keySet() + " to the end in " + timeout);
      }
      poll(sink, Duration.ofMillis(200));
    }
  }

  /** Reads whatever arrived, waiting at most {@code wait}. */
  void poll(Consumer<ConsumerRecord<String, byte[]>> sink, Duration wait) {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(wait)) {
      sink.accept(r);
    }
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
