package io.calmon.monitor.topology;

import io.calmon.monitor.MonitorConfig;
import io.calmon.schemas.state.CalibrationObservation;
import io.calmon.schemas.state.PartialKind;
import io.calmon.schemas.state.WindowPartial;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Window;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One join task's part of every open window aggregate: observations are folded into the windows
 * containing their time, and when the task's watermark passes a window's close (end + label delay +
 * grace) its part is handed on, FINAL, and forgotten.
 *
 * <p>Parts live in a store keyed by window end, start and group key, so closing is one range scan
 * in end order. The store is a {@link WriteBackStore}: an aggregate is folded into as an object and
 * encoded once per commit, not once per observation.
 */
final class PartialWindows {
  private final MonitorConfig config;
  private final TimeWindows windows;
  private final KeyValueStore<String, WindowAggregate> store;
  private final Set<String> changed = new LinkedHashSet<>();

  PartialWindows(
      MonitorConfig config, TimeWindows windows, KeyValueStore<String, WindowAggregate> store) {
    this.config = config;
    this.windows = windows;
    this.store = store;
  }

  /** Where an observation went: into every window containing it, some of them, or none. */
  enum Placement {
    OPEN,
    PARTLY_CLOSED,
    CLOSED
  }

  /**
   * Folds {@code observation} at event time {@code time} into each window of {@code groupKey} that
   * contains it and that {@code watermark} has not closed.
   */
  Placement add(String groupKey, CalibrationObservation observation, long time, long watermark) {
    int closed = 0;
    Map<Long, ? extends Window> containing = windows.windowsFor(time);
    for (Window window : containing.values()) {
      if (config.isWindowClosed(window.end(), watermark)) {
        closed++;
        continue;
      }
      String key = WindowKey.format(window.end(), window.start(), groupKey);
      WindowAggregate aggregate = store.get(key);
      if (aggregate == null) {
        aggregate = WindowAggregate.empty(config.bins(), config.fineBinsPerBin());
      }
      store.put(key, aggregate.add(observation));
      changed.add(key);
    }
    if (closed == 0) {
      return Placement.OPEN;
    }
    return closed < containing.size() ? Placement.PARTLY_CLOSED : Placement.CLOSED;
  }

  /**
   * Removes and returns, FINAL, every part whose window {@code watermark} has closed, in window-end
   * order.
   */
  List<WindowPartial> close(long watermark, PartialHeader header) {
    long lastClosedEnd = watermark - config.closeAfter().toMillis();
    List<KeyValue<String, WindowAggregate>> due = new ArrayList<>();
    try (KeyValueIterator<String, WindowAggregate> it =
        store.range(
            WindowKey.format(0, 0, ""),
            WindowKey.format(Math.max(0, lastClosedEnd), Long.MAX_VALUE, "\uffff"))) {
      it.forEachRemaining(due::add);
    }
    List<WindowPartial> finals = new ArrayList<>(due.size());
    for (KeyValue<String, WindowAggregate> entry : due) {
      store.delete(entry.key);
      changed.remove(entry.key);
      finals.add(part(PartialKind.FINAL, entry.key, entry.value, header));
    }
    return finals;
  }

  /** The parts changed since the last call, PROVISIONAL. */
  List<WindowPartial> changedSinceLastCall(PartialHeader header) {
    List<WindowPartial> parts = new ArrayList<>(changed.size());
    for (String key : changed) {
      WindowAggregate aggregate = store.get(key);
      if (aggregate != null) {
        parts.add(part(PartialKind.PROVISIONAL, key, aggregate, header));
      }
    }
    changed.clear();
    return parts;
  }

  /**
   * Every part still open, PROVISIONAL: what the merger needs to hold all of this task's
   * observations before it stops waiting for the task's watermark.
   */
  List<WindowPartial> open(PartialHeader header) {
    List<WindowPartial> parts = new ArrayList<>();
    try (KeyValueIterator<String, WindowAggregate> it = store.all()) {
      it.forEachRemaining(
          entry -> parts.add(part(PartialKind.PROVISIONAL, entry.key, entry.value, header)));
    }
    changed.clear();
    return parts;
  }

  /** Forgets which parts changed (the store stays): on task (re)initialisation. */
  void reset() {
    changed.clear();
  }

  /** What every record a join task sends carries: which task, of how many, at what watermark. */
  record PartialHeader(int sourcePartition, int sourcePartitions, long watermark) {
    WindowPartial.Builder builder(PartialKind kind) {
      return WindowPartial.newBuilder()
          .setKind(kind)
          .setSourcePartition(sourcePartition)
          .setSourcePartitions(sourcePartitions)
          .setWatermark(Instant.ofEpochMilli(Math.max(0, watermark)));
    }
  }

  private static WindowPartial part(
      PartialKind kind, String key, WindowAggregate window, PartialHeader header) {
    WindowKey parsed = WindowKey.parse(key);
    return header
        .builder(kind)
        .setGroupKey(parsed.groupKey())
        .setWindowStart(Instant.ofEpochMilli(parsed.start()))
        .setWindowEnd(Instant.ofEpochMilli(parsed.end()))
        .setWindow(window.toRecord())
        .build();
  }
}
