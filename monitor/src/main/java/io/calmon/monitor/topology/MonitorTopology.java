package io.calmon.monitor.topology;

import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.monitor.MonitorConfig;
import io.calmon.monitor.alerting.AlertPolicy;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.RetrainRequest;
import io.calmon.schemas.serde.confluent.ValueFormat;
import io.calmon.schemas.state.AlertStreak;
import io.calmon.schemas.state.PartialKind;
import io.calmon.schemas.state.PendingJoin;
import io.calmon.schemas.state.RoutedLabel;
import io.calmon.schemas.state.VersionBaseClasses;
import io.calmon.schemas.state.WindowCalibration;
import io.calmon.schemas.state.WindowPartial;
import io.calmon.schemas.state.WindowParts;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The monitor's Kafka Streams topology, built by one factory that the service and the tests share.
 *
 * <pre>
 * predictions ─decode/validate─┐  join task (one per input partition)         window merger (by deployment)
 *                              ├─ join by event id ─► partial windows ──────► merge parts ─► reports ─► calibration-reports
 * labels ─decode/validate──────┘  (pending store)    (watermark of both   ▲   final once every      │
 *        (class-sets global store)                    inputs)             │   partition's watermark ▼ final only
 *                                         window-partials repartition ───┘   passed the close    alert policy ─► calibration-alerts
 * bad records, observations and parts for closed windows ─► dead-letters                           └─► retrain-requests
 * </pre>
 *
 * Times are read from the records' bodies: a prediction's event time and a label's labelled-at time
 * (record timestamps are never trusted: {@link AnyRecordTime}). Each join task aggregates the
 * observations of its partition into partial windows and closes them by its own event-time
 * watermark ({@link InputWatermarks}: the lower of how far it has read predictions and labels); the
 * merger emits a window's final report once every input partition's watermark has passed the
 * window's end plus label delay plus grace ({@link WindowMerger}). Final reports are therefore the
 * same for any number of partitions, instances or stream threads and whatever the monitor's lag.
 */
public final class MonitorTopology {
  static final String PENDING_STORE = "pending-joins";

  /**
   * Class sets by deployment, as the topic's bytes (named apart from the earlier timestamped store
   * of decoded records, "class-sets", whose files a restarted monitor must not read as bytes).
   */
  static final String CLASS_SETS_STORE = "class-set-bytes";

  static final String BASE_CLASSES_STORE = "prompt-base-classes";
  static final String JOIN_WATERMARK_STORE = "join-watermarks";
  static final String PARTIAL_WINDOW_STORE = "partial-windows";
  static final String WINDOW_PARTS_STORE = "window-parts";
  static final String MERGE_PROGRESS_STORE = "merge-progress";
  static final String REFERENCE_STORE = "confidence-reference";
  static final String STREAK_STORE = "alert-streaks";
  static final String PROMPT_HEALTH_STORE = "prompt-health-latest";
  static final String LIFT_WARNING_STORE = "confidence-lift-warned";
  static final String PARTIALS_TOPIC = "window-partials";
  static final String LABELS_TOPIC = "labels-by-event-id";

  private MonitorTopology() {}

  /** Builds the topology over the given topics, with single-partition inputs. */
  public static Topology build(
      MonitorConfig config, CalmonTopics topics, MonitorCounters counters) {
    return build(config, topics, InputPartitions.single(), counters, MonitorListener.NONE);
  }

  /**
   * Builds the topology over the given topics, telling {@code listener} what it emits.
   *
   * @param partitions partitions of the predictions and labels topics: a window is final once the
   *     watermark of each has passed its close
   */
  public static Topology build(
      MonitorConfig config,
      CalmonTopics topics,
      InputPartitions partitions,
      MonitorCounters counters,
      MonitorListener listener) {
    return build(config, topics, partitions, counters, listener, ValueFormat.singleObject());
  }

  /**
   * As {@link #build(MonitorConfig, CalmonTopics, InputPartitions, MonitorCounters,
   * MonitorListener)}, the public topics in {@code format} (internal topics and stores stay in
   * single-object encoding).
   */
  public static Topology build(
      MonitorConfig config,
      CalmonTopics topics,
      InputPartitions partitions,
      MonitorCounters counters,
      MonitorListener listener,
      ValueFormat format) {
    StreamsBuilder builder = new StreamsBuilder();
    TopologyCodecs codecs = TopologyCodecs.of(format, topics);
    AvroSerde<DeadLetter> deadLetterSerde = AvroSerde.of(DeadLetter.class, format);
    Produced<String, DeadLetter> toDeadLetters = Produced.with(Serdes.String(), deadLetterSerde);

    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(CLASS_SETS_STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled(),
        topics.classSets().name(),
        Consumed.with(Serdes.String(), Serdes.ByteArray())
            .withTimestampExtractor(new AnyRecordTime()),
        () -> new ClassSetLoader(counters, codecs));
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(BASE_CLASSES_STORE),
                Serdes.String(),
                AvroSerde.of(VersionBaseClasses.class))
            .withLoggingDisabled(),
        topics.promptVersions().name(),
        Consumed.with(Serdes.String(), Serdes.ByteArray())
            .withTimestampExtractor(new AnyRecordTime()),
        () -> new BaseClassesLoader(counters, codecs));

    KStream<String, Decoded<Prediction>> predictions =
        builder.stream(
                topics.predictions().name(),
                Consumed.with(Serdes.String(), Serdes.ByteArray())
                    .withTimestampExtractor(new AnyRecordTime()))
            .processValues(
                () -> new RecordDecoder.Predictions(config.maxFutureSkew(), counters, codecs),
                Named.as("decode-predictions"));
    KStream<String, Decoded<Label>> labels =
        builder.stream(
                topics.labels().name(),
                Consumed.with(Serdes.String(), Serdes.ByteArray())
                    .withTimestampExtractor(new AnyRecordTime()))
            .processValues(
                () -> new RecordDecoder.Labels(config.maxFutureSkew(), counters, codecs),
                Named.as("decode-labels"));

    predictions
        .filter((id, decoded) -> decoded.isDead(), Named.as("bad-predictions"))
        .mapValues(Decoded::deadLetter, Named.as("bad-prediction-dead-letters"))
        .to(topics.deadLetters().name(), toDeadLetters.withName("bad-predictions-to-dead-letters"));
    labels
        .filter((id, decoded) -> decoded.isDead(), Named.as("bad-labels"))
        .mapValues(Decoded::deadLetter, Named.as("bad-label-dead-letters"))
        .to(topics.deadLetters().name(), toDeadLetters.withName("bad-labels-to-dead-letters"));

    joinStores().forEach(builder::addStateStore);

    KStream<String, JoinInput> routedLabels =
        labels
            .filter((id, decoded) -> !decoded.isDead(), Named.as("good-labels"))
            .mapValues(Decoded::record, Named.as("label-records"))
            .process(() -> new LabelRouter(config, partitions.labels()), Named.as("route-labels"))
            .repartition(
                Repartitioned.<String, RoutedLabel>as(LABELS_TOPIC)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(AvroSerde.of(RoutedLabel.class))
                    .withNumberOfPartitions(partitions.predictions())
                    .withStreamPartitioner(new Broadcast<>(routed -> routed.getLabel() == null)))
            .mapValues(MonitorTopology::joinInput, Named.as("label-join-inputs"));
    KStream<String, JoinInput> joinInputs =
        predictions
            .filter((id, decoded) -> !decoded.isDead(), Named.as("good-predictions"))
            .<JoinInput>mapValues(
                decoded -> new JoinInput.OfPrediction(decoded.record()),
                Named.as("prediction-join-inputs"))
            .merge(routedLabels, Named.as("join-inputs"));

    TimeWindows windows =
        TimeWindows.ofSizeAndGrace(config.windowSize(), config.closeAfter())
            .advanceBy(config.windowAdvance());
    KStream<String, Decoded<WindowPartial>> joined =
        joinInputs.process(
            () ->
                new PredictionLabelJoiner(
                    config, windows, partitions.predictions(), counters, codecs.classSets()),
            Named.as("join"),
            PENDING_STORE,
            JOIN_WATERMARK_STORE,
            PARTIAL_WINDOW_STORE);
    joined
        .filter((key, decoded) -> decoded.isDead(), Named.as("late-observations"))
        .mapValues(Decoded::deadLetter, Named.as("late-observation-dead-letters"))
        .to(
            topics.deadLetters().name(),
            toDeadLetters.withName("late-observations-to-dead-letters"));

    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(WINDOW_PARTS_STORE),
                Serdes.String(),
                AvroSerde.of(WindowParts.class))
            .withCachingEnabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(MERGE_PROGRESS_STORE),
                Serdes.String(),
                Serdes.Long())
            .withCachingEnabled());
    KStream<String, Decoded<WindowUpdate>> merged =
        joined
            .filter((key, decoded) -> !decoded.isDead(), Named.as("window-parts"))
            .mapValues(Decoded::record, Named.as("window-part-records"))
            .repartition(
                Repartitioned.<String, WindowPartial>as(PARTIALS_TOPIC)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(AvroSerde.of(WindowPartial.class))
                    .withStreamPartitioner(
                        new Broadcast<>(part -> part.getKind() == PartialKind.WATERMARK)))
            .process(
                () -> new WindowMerger(config, counters),
                Named.as("merge"),
                WINDOW_PARTS_STORE,
                MERGE_PROGRESS_STORE);
    merged
        .filter((key, decoded) -> decoded.isDead(), Named.as("late-parts"))
        .mapValues(Decoded::deadLetter, Named.as("late-part-dead-letters"))
        .to(topics.deadLetters().name(), toDeadLetters.withName("late-parts-to-dead-letters"));

    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(REFERENCE_STORE),
            Serdes.String(),
            AvroSerde.of(WindowCalibration.class)));
    KStream<String, CalibrationReport> reports =
        merged
            .filter((key, decoded) -> !decoded.isDead(), Named.as("window-updates"))
            .mapValues(Decoded::record, Named.as("window-update-records"))
            .process(() -> new ReportBuilder(config), Named.as("reports"), REFERENCE_STORE)
            .peek((key, report) -> listener.onReport(report));
    reports.to(
        topics.calibrationReports().name(),
        Produced.with(Serdes.String(), AvroSerde.of(CalibrationReport.class, format)));

    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(STREAK_STORE),
            Serdes.String(),
            AvroSerde.of(AlertStreak.class)));
    AlertPolicy policy = new AlertPolicy(config.rules());
    KStream<String, Alert> eceAlerts =
        reports
            .filter((key, report) -> report.getFinal$())
            .process(() -> new AlertEmitter(policy), STREAK_STORE);
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(LIFT_WARNING_STORE), Serdes.String(), Serdes.Long()));
    KStream<String, Alert> liftWarnings =
        reports.process(
            () -> new LiftWarner(config.liftRule()), Named.as("lift-warnings"), LIFT_WARNING_STORE);
    KStream<String, Alert> alerts =
        eceAlerts
            .merge(liftWarnings)
            .merge(
                promptHealthWarnings(
                    builder, config, topics, counters, listener, codecs, toDeadLetters))
            .peek((deployment, alert) -> listener.onAlert(alert));
    alerts.to(
        topics.calibrationAlerts().name(),
        Produced.with(Serdes.String(), AvroSerde.of(Alert.class, format)));
    alerts
        .filter((deployment, alert) -> AlertPolicy.ECE_RULE.equals(alert.getRule()))
        .mapValues(AlertEmitter::retrainRequest)
        .to(
            topics.retrainRequests().name(),
            Produced.with(Serdes.String(), AvroSerde.of(RetrainRequest.class, format)));

    return builder.build();
  }

  /**
   * The label-free warnings: the scorers' prompt-health measures, decoded (bad ones dead-lettered),
   * the latest per deployment kept, a newer one run through the text divergence rule.
   */
  private static KStream<String, Alert> promptHealthWarnings(
      StreamsBuilder builder,
      MonitorConfig config,
      CalmonTopics topics,
      MonitorCounters counters,
      MonitorListener listener,
      TopologyCodecs codecs,
      Produced<String, DeadLetter> toDeadLetters) {
    KStream<String, Decoded<PromptHealth>> health =
        builder.stream(
                topics.promptHealth().name(),
                Consumed.with(Serdes.String(), Serdes.ByteArray())
                    .withTimestampExtractor(new AnyRecordTime()))
            .processValues(
                () -> new RecordDecoder.PromptHealths(config.maxFutureSkew(), counters, codecs),
                Named.as("decode-prompt-health"));
    health
        .filter((key, decoded) -> decoded.isDead(), Named.as("bad-prompt-health"))
        .mapValues(Decoded::deadLetter, Named.as("bad-prompt-health-dead-letters"))
        .to(
            topics.deadLetters().name(),
            toDeadLetters.withName("bad-prompt-health-to-dead-letters"));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(PROMPT_HEALTH_STORE),
            Serdes.String(),
            AvroSerde.of(PromptHealth.class)));
    return health
        .filter((key, decoded) -> !decoded.isDead(), Named.as("good-prompt-health"))
        .mapValues(Decoded::record, Named.as("prompt-health-records"))
        .process(
            () -> new PromptHealthWarner(config.textRule(), listener),
            Named.as("warn-on-prompt-health"),
            PROMPT_HEALTH_STORE);
  }

  private static JoinInput joinInput(RoutedLabel routed) {
    return routed.getLabel() != null
        ? new JoinInput.OfLabel(routed.getLabel())
        : new JoinInput.OfLabelWatermark(
            routed.getSourcePartition(),
            routed.getSourcePartitions(),
            routed.getWatermark().toEpochMilli(),
            routed.getIdle());
  }

  /**
   * The join task's stores: pending joins, input watermarks, partial windows. They keep what the
   * task writes as objects until the commit ({@link WriteBackStore}): that layer is their cache, so
   * Kafka Streams' byte cache under it would only sort and copy again. The expiry of pending joins
   * is derived from them in memory ({@link ExpiryIndex}), not stored.
   */
  static List<StoreBuilder<? extends StateStore>> joinStores() {
    return List.of(
        WriteBackStore.of(
                Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(PENDING_STORE),
                    Serdes.String(),
                    AvroSerde.of(PendingJoin.class)))
            .withCachingDisabled(),
        WriteBackStore.of(
                Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(JOIN_WATERMARK_STORE),
                    Serdes.String(),
                    Serdes.Long()))
            .withCachingDisabled(),
        WriteBackStore.of(
                Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(PARTIAL_WINDOW_STORE),
                    Serdes.String(),
                    WindowAggregate.serde()))
            .withCachingDisabled());
  }
}
