package io.calmon.monitor.topology;

import io.calmon.monitor.MonitorConfig;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.state.CalibrationObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Window;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Stands right before the window aggregate, in its task, and sends each observation that would fall
 * only into windows that have already closed to dead-letters ({@code WINDOWS_CLOSED}, counted)
 * instead of letting Kafka Streams drop it, which only moves its {@code dropped-records} metric.
 *
 * <p>An observation belongs to every hopping window containing its timestamp. When all of them have
 * closed it is late: dead-lettered and counted in {@link MonitorCounters#lateObservations()}. When
 * only some have, it goes on and counts in the open ones; the closed ones have emitted their final
 * report already and stay as they were, and it is counted in {@link
 * MonitorCounters#partlyLateObservations()}. Counts are taken on the ALL copy of an observation, so
 * once per prediction or label; every late copy (its group's and ALL's) is dead-lettered.
 *
 * <p>The rule mirrors the aggregate's own: its stream time is the highest record timestamp it has
 * seen since its task started, and a window takes a record until {@link
 * MonitorConfig#isWindowClosed} (end + label delay + grace reached). Only what this router forwards
 * reaches the aggregate, and what it sends away never raises stream time (its timestamp lies below
 * the end of each of its windows), so both always see the same stream time and this router never
 * forwards an observation that the aggregate would drop from every window.
 */
final class LateObservationRouter
    implements FixedKeyProcessor<String, CalibrationObservation, Decoded<CalibrationObservation>> {
  static final String WINDOWS_CLOSED = "WINDOWS_CLOSED";

  private final MonitorConfig config;
  private final TimeWindows windows;
  private final MonitorCounters counters;
  private final AvroCodec<CalibrationObservation> codec =
      AvroCodec.of(CalibrationObservation.class);
  private FixedKeyProcessorContext<String, Decoded<CalibrationObservation>> context;
  private long streamTime = ConsumerRecord.NO_TIMESTAMP;

  /**
   * @param windows the aggregate's windows, the same instance
   */
  LateObservationRouter(MonitorConfig config, TimeWindows windows, MonitorCounters counters) {
    this.config = config;
    this.windows = windows;
    this.counters = counters;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Decoded<CalibrationObservation>> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, CalibrationObservation> record) {
    long timestamp = record.timestamp();
    streamTime = Math.max(streamTime, timestamp);
    Map<Long, ? extends Window> containing = windows.windowsFor(timestamp);
    long closed =
        containing.values().stream()
            .filter(window -> config.isWindowClosed(window.end(), streamTime))
            .count();
    CalibrationObservation observation = record.value();
    boolean counted = GroupKey.parse(record.key()).group() == CalibrationGroup.ALL;
    if (closed == 0) {
      context.forward(record.withValue(Decoded.ok(observation)));
    } else if (closed < containing.size()) {
      if (counted) {
        counters.partlyLateObservations.get(observation.getKind()).increment();
      }
      context.forward(record.withValue(Decoded.ok(observation)));
    } else {
      if (counted) {
        counters.lateObservations.get(observation.getKind()).increment();
      }
      counters.deadLetters.increment();
      String message = describe(record.key(), observation, timestamp, containing);
      context.forward(
          record.withValue(
              Decoded.dead(
                  DeadLetters.of(
                      context, record.key(), codec.encode(observation), WINDOWS_CLOSED, message))));
    }
  }

  private String describe(
      String key,
      CalibrationObservation observation,
      long timestamp,
      Map<Long, ? extends Window> all) {
    Window last = all.values().stream().max(Comparator.comparingLong(Window::end)).orElseThrow();
    Duration closeAfter = config.closeAfter();
    return observation.getKind()
        + " observation of event '"
        + observation.getEventId()
        + "' ("
        + key
        + ") at "
        + Instant.ofEpochMilli(timestamp)
        + " came after every window containing it had closed: stream time "
        + Instant.ofEpochMilli(streamTime)
        + ", and the last of its "
        + all.size()
        + " windows, ["
        + Instant.ofEpochMilli(last.start())
        + ", "
        + Instant.ofEpochMilli(last.end())
        + "), closed at its end + label delay + grace ("
        + closeAfter
        + ") = "
        + Instant.ofEpochMilli(last.end()).plus(closeAfter);
  }
}
