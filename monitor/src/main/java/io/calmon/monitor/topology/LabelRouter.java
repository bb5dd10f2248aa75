package io.calmon.monitor.topology;

import io.calmon.monitor.MonitorConfig;
import io.calmon.schemas.Label;
import io.calmon.schemas.state.RoutedLabel;
import java.time.Instant;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sends each good label on to the join task of its event id (an internal repartition by event id,
 * hashed as Kafka's Java producer hashes the predictions' keys), so a label is joined whatever
 * partitioner its producer used: librdkafka's clients (Confluent's Python, Go and .NET ones) hash
 * keys with CRC32 and put a label on another partition than its prediction.
 *
 * <p>A join task then reads labels from every labels partition through one topic, mixed in the
 * order the routing tasks happen to run. So that this order cannot close a window early, each
 * routing task also sends its partition's watermark (the highest labelled-at time it has read) to
 * every join task, after the labels it covers: whenever it passes a window's close, and at every
 * provisional tick (with the idle flag once the partition has been quiet for the idle timeout). A
 * join task takes the lowest watermark of the labels partitions as its labels input's ({@link
 * InputWatermarks}).
 */
final class LabelRouter implements Processor<String, Label, String, RoutedLabel> {
  private final MonitorConfig config;
  private final int sourcePartitions;
  private ProcessorContext<String, RoutedLabel> context;
  private long highest = InputWatermarks.UNKNOWN;
  private long lastReadAt;

  /**
   * @param sourcePartitions partitions of the labels topic
   */
  LabelRouter(MonitorConfig config, int sourcePartitions) {
    this.config = config;
    this.sourcePartitions = sourcePartitions;
  }

  @Override
  public void init(ProcessorContext<String, RoutedLabel> context) {
    this.context = context;
    this.highest = InputWatermarks.UNKNOWN;
    this.lastReadAt = context.currentSystemTimeMs();
    context.schedule(
        config.provisionalInterval(), PunctuationType.WALL_CLOCK_TIME, now -> announce(now));
  }

  @Override
  public void process(Record<String, Label> record) {
    Label label = record.value();
    long before = highest;
    highest = Math.max(highest, label.getLabelledAt().toEpochMilli());
    lastReadAt = context.currentSystemTimeMs();
    context.forward(record.withValue(routed(label, false)));
    if (config.lastClosedWindow(highest) > config.lastClosedWindow(before)) {
      announce(lastReadAt);
    }
  }

  private void announce(long now) {
    boolean idle = now - lastReadAt >= config.idleTimeout().toMillis();
    context.forward(new Record<>("", routed(null, idle), Math.max(0, highest)));
  }

  private RoutedLabel routed(Label label, boolean idle) {
    return RoutedLabel.newBuilder()
        .setLabel(label)
        .setSourcePartition(context.taskId().partition())
        .setSourcePartitions(sourcePartitions)
        .setWatermark(Instant.ofEpochMilli(Math.max(0, highest)))
        .setIdle(idle)
        .build();
  }
}
