package io.calmon.monitor.topology;

import io.calmon.schemas.state.PartialKind;
import io.calmon.schemas.state.WindowPartial;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions the window-partials topic: a part by its key (the deployment), a watermark to every
 * partition, so that each merger task hears every join task's progress.
 */
final class WatermarkBroadcast implements StreamPartitioner<String, WindowPartial> {
  @Override
  public Optional<Set<Integer>> partitions(
      String topic, String key, WindowPartial value, int numPartitions) {
    if (value.getKind() != PartialKind.WATERMARK) {
      return Optional.empty(); // the default: by the key's hash
    }
    return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
  }
}
