package io.calmon.monitor.topology;

import io.calmon.monitor.MonitorConfig;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.state.PartialKind;
import io.calmon.schemas.state.WindowCalibration;
import io.calmon.schemas.state.WindowPartial;
import io.calmon.schemas.state.WindowParts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Merges the join tasks' parts of each window aggregate (one task per input partition) and emits
 * the window's reports: a provisional one whenever a task sends a PROVISIONAL part, the final one
 * once every input partition's watermark has passed the window's close.
 *
 * <p>Completeness: a join task sends the FINAL part of every window its watermark closes before it
 * sends that watermark, both to this partition (its key is the deployment, the watermark goes to
 * every partition), and Kafka keeps a producer's records to one partition in order. So when every
 * input partition's watermark has passed a window's close, every part of it is here, whatever the
 * number of partitions, instances or threads, and however far each task is behind the others.
 *
 * <p>A partition whose join task reports itself idle ({@link InputWatermarks}) is not waited for;
 * when every one is idle, windows close up to the highest watermark. A part that arrives for a
 * window already final (from a task that was idle, then read old records) goes to dead-letters
 * ({@code WINDOWS_CLOSED}), its counts named in the message.
 */
final class WindowMerger
    implements Processor<String, WindowPartial, String, Decoded<WindowUpdate>> {
  private static final String CLOSED_KEY = "closed";
  private static final String PARTITIONS_KEY = "source-partitions";

  private final MonitorConfig config;
  private final MonitorCounters counters;
  private final AvroCodec<WindowPartial> codec = AvroCodec.of(WindowPartial.class);
  private ProcessorContext<String, Decoded<WindowUpdate>> context;
  private KeyValueStore<String, WindowParts> windows;
  private KeyValueStore<String, Long> progress;

  WindowMerger(MonitorConfig config, MonitorCounters counters) {
    this.config = config;
    this.counters = counters;
  }

  @Override
  public void init(ProcessorContext<String, Decoded<WindowUpdate>> context) {
    this.context = context;
    this.windows = context.getStateStore(MonitorTopology.WINDOW_PARTS_STORE);
    this.progress = context.getStateStore(MonitorTopology.MERGE_PROGRESS_STORE);
  }

  @Override
  public void process(Record<String, WindowPartial> record) {
    WindowPartial partial = record.value();
    if (partial.getKind() == PartialKind.WATERMARK) {
      onWatermark(partial);
    } else {
      onPart(partial, record);
    }
  }

  private void onPart(WindowPartial partial, Record<String, WindowPartial> record) {
    long end = partial.getWindowEnd().toEpochMilli();
    long closedAt = get(CLOSED_KEY, InputWatermarks.UNKNOWN);
    if (config.isWindowClosed(end, closedAt)) {
      late(partial, record, closedAt);
      return;
    }
    String key =
        WindowKey.format(end, partial.getWindowStart().toEpochMilli(), partial.getGroupKey());
    WindowParts parts = windows.get(key);
    if (parts == null) {
      parts =
          WindowParts.newBuilder()
              .setGroupKey(partial.getGroupKey())
              .setWindowStart(partial.getWindowStart())
              .setWindowEnd(partial.getWindowEnd())
              .setParts(new HashMap<>())
              .build();
    }
    parts.getParts().put(Integer.toString(partial.getSourcePartition()), partial.getWindow());
    windows.put(key, parts);
    if (partial.getKind() == PartialKind.PROVISIONAL) {
      emit(parts, false, partial.getWindowStart().toEpochMilli());
    }
  }

  private void onWatermark(WindowPartial mark) {
    int partitions = Math.max(mark.getSourcePartitions(), (int) get(PARTITIONS_KEY, 0));
    progress.put(PARTITIONS_KEY, (long) partitions);
    String source = Integer.toString(mark.getSourcePartition());
    long watermark =
        Math.max(
            get("watermark-" + source, InputWatermarks.UNKNOWN),
            mark.getWatermark().toEpochMilli());
    progress.put("watermark-" + source, watermark);
    progress.put("idle-" + source, mark.getIdle() ? 1L : 0L);

    long closedAt = get(CLOSED_KEY, InputWatermarks.UNKNOWN);
    long merged = mergedWatermark(partitions);
    if (merged <= closedAt) {
      return;
    }
    progress.put(CLOSED_KEY, merged);
    long lastClosedEnd = merged - config.closeAfter().toMillis();
    if (lastClosedEnd < 0) {
      return;
    }
    List<KeyValue<String, WindowParts>> due = new ArrayList<>();
    try (KeyValueIterator<String, WindowParts> it =
        windows.range(
            WindowKey.format(0, 0, ""),
            WindowKey.format(lastClosedEnd, Long.MAX_VALUE, "\uffff"))) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, WindowParts> entry : due) {
      windows.delete(entry.key);
      emit(entry.value, true, entry.value.getWindowEnd().toEpochMilli());
    }
  }

  /**
   * The lowest watermark of the partitions not idle (the highest when all are); unknown while any
   * partition has not reported one.
   */
  private long mergedWatermark(int partitions) {
    long lowestActive = Long.MAX_VALUE;
    long highest = InputWatermarks.UNKNOWN;
    boolean anyActive = false;
    for (int p = 0; p < partitions; p++) {
      Long watermark = progress.get("watermark-" + p);
      if (watermark == null) {
        return InputWatermarks.UNKNOWN;
      }
      highest = Math.max(highest, watermark);
      if (get("idle-" + p, 0) == 0) {
        anyActive = true;
        lowestActive = Math.min(lowestActive, watermark);
      }
    }
    return anyActive ? lowestActive : highest;
  }

  private void emit(WindowParts parts, boolean isFinal, long timestamp) {
    WindowAggregate merged = WindowAggregate.empty(config.bins(), config.fineBinsPerBin());
    for (WindowCalibration part : parts.getParts().values()) {
      merged.addAll(WindowAggregate.fromRecord(part));
    }
    WindowUpdate update =
        new WindowUpdate(parts.getWindowStart(), parts.getWindowEnd(), merged.toRecord(), isFinal);
    context.forward(new Record<>(parts.getGroupKey(), Decoded.ok(update), timestamp));
  }

  private void late(WindowPartial partial, Record<String, WindowPartial> record, long closedAt) {
    counters.lateParts.increment();
    counters.deadLetters.increment();
    WindowAggregate part = WindowAggregate.fromRecord(partial.getWindow());
    String message =
        partial.getKind()
            + " part of window ["
            + partial.getWindowStart()
            + ", "
            + partial.getWindowEnd()
            + ") of "
            + partial.getGroupKey()
            + " from input partition "
            + partial.getSourcePartition()
            + " ("
            + part.observations()
            + " observations) came after the window's final report: every input partition's"
            + " watermark had passed "
            + Instant.ofEpochMilli(closedAt)
            + " (a partition idle for the idle timeout is not waited for)";
    context.forward(
        new Record<>(
            partial.getGroupKey(),
            Decoded.dead(
                DeadLetters.of(
                    context,
                    record.key(),
                    codec.encode(partial),
                    PredictionLabelJoiner.WINDOWS_CLOSED,
                    message)),
            record.timestamp()));
  }

  private long get(String key, long absent) {
    Long value = progress.get(key);
    return value == null ? absent : value;
  }
}
