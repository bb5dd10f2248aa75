package io.calmon.monitor.topology;

import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.monitor.MonitorConfig;
import io.calmon.monitor.alerting.AlertPolicy;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.RetrainRequest;
import io.calmon.schemas.state.AlertStreak;
import io.calmon.schemas.state.CalibrationObservation;
import io.calmon.schemas.state.PendingJoin;
import io.calmon.schemas.state.WindowCalibration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The monitor's Kafka Streams topology, built by one factory that the service and the tests share.
 *
 * <pre>
 * predictions ─decode/validate─┐                          ┌─ provisional ─┐
 *                              ├─ join by event id ─► window aggregate     ├─► reports ─► calibration-reports
 * labels ─decode/validate──────┘   (pending store)    (deployment|version|group, hopping)      │
 *        (class-sets global store)                        └─ final ───────┘                    ▼ final only
 * bad records, observations for closed windows only ─► dead-letters       alert policy ─► calibration-alerts
 *                                                                                       └─► retrain-requests
 * </pre>
 *
 * Record timestamps are event time: scorers write each prediction with its event's time, and a
 * label's timestamp is when it was labelled. A window closes (its final report is emitted) once
 * stream time reaches its end plus label delay plus grace; an observation that comes after every
 * window containing it has closed goes to dead-letters ({@link LateObservationRouter}).
 */
public final class MonitorTopology {
  static final String PENDING_STORE = "pending-joins";
  static final String EXPIRY_STORE = "pending-expiry";
  static final String CLASS_SETS_STORE = "class-sets";
  static final String WINDOW_STORE = "window-calibration";
  static final String REFERENCE_STORE = "confidence-reference";
  static final String STREAK_STORE = "alert-streaks";

  private MonitorTopology() {}

  /** Builds the topology over the given topics. */
  public static Topology build(
      MonitorConfig config, CalmonTopics topics, MonitorCounters counters) {
    return build(config, topics, counters, MonitorListener.NONE);
  }

  /** Builds the topology over the given topics, telling {@code listener} what it emits. */
  public static Topology build(
      MonitorConfig config,
      CalmonTopics topics,
      MonitorCounters counters,
      MonitorListener listener) {
    StreamsBuilder builder = new StreamsBuilder();
    AvroSerde<DeadLetter> deadLetterSerde = AvroSerde.of(DeadLetter.class);
    Produced<String, DeadLetter> toDeadLetters = Produced.with(Serdes.String(), deadLetterSerde);

    builder.addGlobalStore(
        Stores.timestampedKeyValueStoreBuilder(
                Stores.persistentTimestampedKeyValueStore(CLASS_SETS_STORE),
                Serdes.String(),
                AvroSerde.of(ClassSet.class))
            .withLoggingDisabled(),
        topics.classSets().name(),
        Consumed.with(Serdes.String(), Serdes.ByteArray()),
        () -> new ClassSetLoader(counters));

    KStream<String, Decoded<Prediction>> predictions =
        builder.stream(
                topics.predictions().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
            .processValues(() -> new RecordDecoder.Predictions(config.maxFutureSkew(), counters));
    KStream<String, Decoded<Label>> labels =
        builder.stream(topics.labels().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
            .processValues(() -> new RecordDecoder.Labels(counters));

    predictions
        .filter((id, decoded) -> decoded.isDead())
        .mapValues(Decoded::deadLetter)
        .to(topics.deadLetters().name(), toDeadLetters);
    labels
        .filter((id, decoded) -> decoded.isDead())
        .mapValues(Decoded::deadLetter)
        .to(topics.deadLetters().name(), toDeadLetters);

    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(PENDING_STORE),
            Serdes.String(),
            AvroSerde.of(PendingJoin.class)));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(EXPIRY_STORE), Serdes.String(), Serdes.String()));

    KStream<String, JoinInput> joinInputs =
        predictions
            .filter((id, decoded) -> !decoded.isDead())
            .<JoinInput>mapValues(decoded -> new JoinInput.OfPrediction(decoded.record()))
            .merge(
                labels
                    .filter((id, decoded) -> !decoded.isDead())
                    .mapValues(decoded -> new JoinInput.OfLabel(decoded.record())));

    WindowCalibrations aggregate = new WindowCalibrations(config.bins(), config.fineBinsPerBin());
    TimeWindows windows =
        TimeWindows.ofSizeAndGrace(config.windowSize(), config.closeAfter())
            .advanceBy(config.windowAdvance());
    // The suppression buffer's store, and with it its changelog, is named after a number that
    // Kafka Streams counts up with every node created before it, named or not. That count must stay
    // as it was, or a restarted monitor loses the buffer's pending final reports
    // (shouldKeepTheNamesOfStoresAndInternalTopics): the two nodes added for late observations
    // before the aggregate are balanced by mapping the provisional updates after the suppression,
    // and the late observations' dead letters are built last.
    KStream<String, Decoded<CalibrationObservation>> observations =
        joinInputs
            .process(() -> new PredictionLabelJoiner(config, counters), PENDING_STORE, EXPIRY_STORE)
            // One partition: every observation advances the same stream time, so every window
            // closes on time. With several, a window whose keys hash to a quiet partition would
            // wait for traffic there before its final report. Observations are small and few per
            // event; one task aggregates them all.
            .repartition(
                Repartitioned.<String, CalibrationObservation>as("observations")
                    .withKeySerde(Serdes.String())
                    .withValueSerde(AvroSerde.of(CalibrationObservation.class))
                    .withNumberOfPartitions(1))
            .processValues(
                () -> new LateObservationRouter(config, windows, counters),
                Named.as("late-observations"));
    KTable<Windowed<String>, WindowCalibration> perWindow =
        observations
            .flatMapValues(
                routed -> routed.isDead() ? List.of() : List.of(routed.record()),
                Named.as("open-window-observations"))
            .groupByKey(Grouped.with(Serdes.String(), AvroSerde.of(CalibrationObservation.class)))
            .windowedBy(windows)
            .aggregate(
                aggregate::empty,
                (key, observation, window) -> aggregate.add(observation, window),
                Materialized.<String, WindowCalibration, WindowStore<Bytes, byte[]>>as(WINDOW_STORE)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(AvroSerde.of(WindowCalibration.class)));

    KStream<Windowed<String>, WindowCalibration> updates = perWindow.toStream();
    KStream<Windowed<String>, WindowUpdate> closed =
        perWindow
            .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
            .toStream()
            .mapValues(window -> new WindowUpdate(window, true));
    KStream<Windowed<String>, WindowUpdate> provisional =
        updates.mapValues(window -> new WindowUpdate(window, false));

    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(REFERENCE_STORE),
            Serdes.String(),
            AvroSerde.of(WindowCalibration.class)));
    KStream<String, CalibrationReport> reports =
        provisional
            .merge(closed)
            .process(() -> new ReportBuilder(config), REFERENCE_STORE)
            .peek((key, report) -> listener.onReport(report));
    reports.to(
        topics.calibrationReports().name(),
        Produced.with(Serdes.String(), AvroSerde.of(CalibrationReport.class)));

    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(STREAK_STORE),
            Serdes.String(),
            AvroSerde.of(AlertStreak.class)));
    AlertPolicy policy = new AlertPolicy(config.rules());
    KStream<String, Alert> alerts =
        reports
            .filter((key, report) -> report.getFinal$())
            .process(() -> new AlertEmitter(policy), STREAK_STORE)
            .peek((deployment, alert) -> listener.onAlert(alert));
    alerts.to(
        topics.calibrationAlerts().name(),
        Produced.with(Serdes.String(), AvroSerde.of(Alert.class)));
    alerts
        .filter((deployment, alert) -> AlertPolicy.ECE_RULE.equals(alert.getRule()))
        .mapValues(AlertEmitter::retrainRequest)
        .to(
            topics.retrainRequests().name(),
            Produced.with(Serdes.String(), AvroSerde.of(RetrainRequest.class)));

    observations
        .filter((key, routed) -> routed.isDead(), Named.as("late-observations-dead"))
        .mapValues(Decoded::deadLetter, Named.as("late-observations-dead-letters"))
        .to(
            topics.deadLetters().name(),
            Produced.with(Serdes.String(), deadLetterSerde)
                .withName("late-observations-to-dead-letters"));
    return builder.build();
  }
}
