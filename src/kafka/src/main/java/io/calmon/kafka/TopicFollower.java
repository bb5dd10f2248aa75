package io.calmon.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads whole topics from their beginning with every partition assigned (no consumer group, no
 * offsets committed), committed records only, and keeps following them: how the scorer and the
 * trainer learn the live prompt version and class set at start and see later changes, and how the
 * commands read a topic to its end. The one such reader in calmon.
 *
 * <pre>{@code
 * try (TopicFollower follower = new TopicFollower(bootstrap, kafka, "my-client")) {
 *   follower.assignFromBeginning(List.of("prompt-versions", "class-sets"), Duration.ofSeconds(30));
 *   follower.readToEnd(record -> ..., Duration.ofMinutes(1));   // what was there at the call
 *   follower.poll(Duration.ofMillis(200));                      // what arrives after
 * }
 * }</pre>
 */
public final class TopicFollower implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaConsumer<String, byte[]> consumer;

  /**
   * A follower that has not assigned anything yet (no network traffic until {@link
   * #assignFromBeginning}).
   *
   * @param clientId the client id, or null for Kafka's default
   */
  public TopicFollower(String bootstrapServers, KafkaClientConfig kafka, String clientId) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    if (clientId != null) {
      p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    }
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // What an aborted transaction wrote (a trainer's, after a failure) must never be read.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer =
        new KafkaConsumer<>(
            kafka.applyTo(p), new StringDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Assigns every partition of {@code topics}, positioned at their beginning.
   *
   * @throws IllegalStateException naming a topic that does not exist (or has no partitions)
   */
  public void assignFromBeginning(List<String> topics, Duration timeout) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException(
            "topic " + topic + " does not exist; create calmon's topics first");
      }
      infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** The end offset of every assigned partition now. */
  public Map<TopicPartition, Long> endOffsets() {
    return new HashMap<>(consumer.endOffsets(consumer.assignment()));
  }

  /** Whether every partition of {@code ends} has been read up to its offset there. */
  public boolean reached(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** What arrived, waiting at most {@code wait}. */
  public ConsumerRecords<String, byte[]> poll(Duration wait) {
    return consumer.poll(wait);
  }

  /**
   * Hands over every record up to the end offsets as of this call.
   *
   * @throws IllegalStateException if that takes longer than {@code timeout}
   */
  public void readToEnd(Consumer<ConsumerRecord<String, byte[]>> each, Duration timeout) {
    Map<TopicPartition, Long> ends = endOffsets();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!reached(ends)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "could not read " + ends.keySet() + " to the end within " + timeout.toSeconds() + " s");
      }
      consumer.poll(POLL).forEach(each);
    }
  }

  /** Makes a blocking {@link #poll} on another thread return at once with a WakeupException. */
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
