package io.calmon.monitor.topology;

import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions an internal topic that carries watermarks beside data: a watermark goes to every
 * partition, so that every downstream task hears every upstream task's progress, after the data it
 * covers; data goes by its key's hash (Kafka's default).
 *
 * @param <V> the record type
 */
final class Broadcast<V> implements StreamPartitioner<String, V> {
  private final Predicate<V> isWatermark;

  Broadcast(Predicate<V> isWatermark) {
    this.isWatermark = isWatermark;
  }

  @Override
  public Optional<Set<Integer>> partitions(String topic, String key, V value, int numPartitions) {
    if (!isWatermark.test(value)) {
      return Optional.empty(); // the default: by the key's hash
    }
    return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
  }
}
