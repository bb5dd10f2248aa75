package io.calmon.monitor.topology;

import io.calmon.monitor.MonitorConfig;
import io.calmon.monitor.ReportGroup;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationGrouping;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.serde.RecordCodec;
import io.calmon.schemas.state.CalibrationObservation;
import io.calmon.schemas.state.ObservationKind;
import io.calmon.schemas.state.PartialKind;
import io.calmon.schemas.state.PendingJoin;
import io.calmon.schemas.state.VersionBaseClasses;
import io.calmon.schemas.state.WaitingPrediction;
import io.calmon.schemas.state.WindowPartial;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Window;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One join task, for one input partition: joins predictions with their labels by event id,
 * whichever arrives first, turns each into calibration observations keyed by (deployment, prompt
 * version, group), once for the predicted class's group and once for ALL, and folds them into this
 * partition's part of each window aggregate ({@link PartialWindows}). A joined pair also counts in
 * its true class's group (TRUE_BASE or TRUE_NEW, against the prompt version's base classes, see
 * {@link BaseClassesLoader}), as SCORED and LABELLED (or LATE_LABEL). Parts go on to the {@link
 * WindowMerger} keyed by deployment: PROVISIONAL at most once per provisional interval, FINAL once
 * the task's watermark ({@link InputWatermarks}) has passed the window's close, each followed by a
 * WATERMARK record to every merger partition.
 *
 * <ul>
 *   <li>A prediction yields SCORED at its event time (traffic and confidence, labelled or not).
 *   <li>A label is late when its labelled-at time is more than label delay + grace after its
 *       prediction's event time ({@link MonitorConfig#isLateLabel}), whichever of the two arrives
 *       first.
 *   <li>An on-time label yields LABELLED at the event time, so it lands in the same window as its
 *       prediction.
 *   <li>A late label yields LATE_LABEL at the watermark when it is found late (never earlier than
 *       the label's labelled-at time): counted in a window still open then, never used in metrics.
 *   <li>Duplicates (a second prediction or label for an id) are ignored and counted.
 *   <li>An observation whose every window this task has closed goes to dead-letters ({@code
 *       WINDOWS_CLOSED}); one that misses only some (hopping windows) counts in the open ones.
 * </ul>
 *
 * Predictions wait {@link MonitorConfig#predictionRetention()} of watermark time for labels; an
 * in-memory {@link ExpiryIndex} lets each window close drop the expired entries in time order.
 * Everything is timed by the watermark, never by stream time: how Kafka Streams interleaves the two
 * topics (or a backlog of hours) does not change what the final reports hold.
 */
final class PredictionLabelJoiner
    implements Processor<String, JoinInput, String, Decoded<WindowPartial>> {
  static final String WINDOWS_CLOSED = "WINDOWS_CLOSED";

  private final MonitorConfig config;
  private final Duration retention;
  private final TimeWindows windows;
  private final int sourcePartitions;
  private final MonitorCounters counters;
  private final AvroCodec<CalibrationObservation> observationCodec =
      AvroCodec.of(CalibrationObservation.class);
  private ProcessorContext<String, Decoded<WindowPartial>> context;
  private KeyValueStore<String, PendingJoin> pending;
  private final ExpiryIndex expiry = new ExpiryIndex();
  private final RecordCodec<ClassSet> classSetCodec;
  private ClassSets classSets;
  private KeyValueStore<String, VersionBaseClasses> baseClasses;
  private InputWatermarks watermarks;
  private PartialWindows parts;
  private long announcedWatermark = Long.MIN_VALUE;
  private boolean announcedIdle;

  /**
   * @param windows the report windows
   * @param sourcePartitions partitions of the input topics (the merger waits for each)
   */
  PredictionLabelJoiner(
      MonitorConfig config,
      TimeWindows windows,
      int sourcePartitions,
      MonitorCounters counters,
      RecordCodec<ClassSet> classSetCodec) {
    this.config = config;
    this.retention = config.predictionRetention();
    this.classSetCodec = classSetCodec;
    this.windows = windows;
    this.sourcePartitions = sourcePartitions;
    this.counters = counters;
  }

  @Override
  public void init(ProcessorContext<String, Decoded<WindowPartial>> context) {
    this.context = context;
    this.pending = context.getStateStore(MonitorTopology.PENDING_STORE);
    this.classSets =
        new ClassSets(context.getStateStore(MonitorTopology.CLASS_SETS_STORE), classSetCodec);
    this.baseClasses = context.getStateStore(MonitorTopology.BASE_CLASSES_STORE);
    this.watermarks =
        new InputWatermarks(
            context.getStateStore(MonitorTopology.JOIN_WATERMARK_STORE),
            config.idleTimeout(),
            context.currentSystemTimeMs());
    this.parts =
        new PartialWindows(
            config, windows, context.getStateStore(MonitorTopology.PARTIAL_WINDOW_STORE));
    parts.reset();
    rebuildExpiryIndex();
    announcedWatermark = Long.MIN_VALUE;
    announcedIdle = false;
    context.schedule(config.provisionalInterval(), PunctuationType.WALL_CLOCK_TIME, this::tick);
  }

  @Override
  public void process(Record<String, JoinInput> record) {
    long now = context.currentSystemTimeMs();
    if (record.value() instanceof JoinInput.OfPrediction p) {
      watermarks.readPrediction(p.prediction().getEventTime().toEpochMilli(), now);
      onPrediction(record.key(), p.prediction());
    } else if (record.value() instanceof JoinInput.OfLabel l) {
      onLabel(record.key(), l.label(), l.label().getLabelledAt().toEpochMilli());
    } else if (record.value() instanceof JoinInput.OfLabelWatermark mark) {
      watermarks.labelPartition(mark.source(), mark.sources(), mark.watermark(), mark.idle());
    }
    long before = watermarks.watermark();
    if (watermarks.advance(now) && closesAWindow(before, watermarks.watermark())) {
      closeWindows();
    }
  }

  /**
   * Whether moving the watermark from {@code before} to {@code after} closes a window: only then is
   * there anything to hand on, so the stores are scanned once per window advance, not per record.
   */
  private boolean closesAWindow(long before, long after) {
    return config.lastClosedWindow(after) > config.lastClosedWindow(before);
  }

  /** Wall-clock tick: idle inputs, provisional parts, and the watermark for the merger. */
  private void tick(long now) {
    long before = watermarks.watermark();
    if (watermarks.advance(now) && closesAWindow(before, watermarks.watermark())) {
      closeWindows();
    }
    for (WindowPartial part : parts.changedSinceLastCall(header())) {
      forward(part, part.getWindowStart().toEpochMilli());
    }
    announce(now);
  }

  private void closeWindows() {
    for (WindowPartial part : parts.close(watermarks.watermark(), header())) {
      forward(part, part.getWindowEnd().toEpochMilli());
    }
    announce(context.currentSystemTimeMs());
    expire(watermarks.watermark());
  }

  /**
   * Tells every merger partition this task's watermark, when it or the idle state changed. Before
   * it says it is idle it sends every open part as it stands: the merger stops waiting for an idle
   * task and closes windows with the parts it holds, which must then be all of this task's (a
   * PROVISIONAL part may be missing if the task moved to another instance before its tick).
   */
  private void announce(long now) {
    boolean idle = watermarks.isIdle(now);
    long watermark = watermarks.watermark();
    if (watermark == announcedWatermark && idle == announcedIdle) {
      return;
    }
    if (idle && !announcedIdle) {
      for (WindowPartial part : parts.open(header())) {
        forward(part, part.getWindowStart().toEpochMilli());
      }
    }
    announcedWatermark = watermark;
    announcedIdle = idle;
    WindowPartial mark = header().builder(PartialKind.WATERMARK).setIdle(idle).build();
    context.forward(new Record<>("", Decoded.ok(mark), Math.max(0, watermark)));
  }

  private void forward(WindowPartial part, long timestamp) {
    String deployment = GroupKey.parse(part.getGroupKey()).deployment();
    context.forward(new Record<>(deployment, Decoded.ok(part), timestamp));
  }

  private PartialWindows.PartialHeader header() {
    return new PartialWindows.PartialHeader(
        context.taskId().partition(), sourcePartitions, watermarks.watermark());
  }

  private void onPrediction(String eventId, Prediction received) {
    PendingJoin entry = pending.get(eventId);
    if (entry != null && (waitingOf(entry) != null || entry.getLabelled())) {
      counters.duplicatePredictions.increment();
      return;
    }
    WaitingPrediction prediction = waiting(received);
    long eventTime = prediction.getEventTime().toEpochMilli();
    emit(prediction, observation(ObservationKind.SCORED, eventId, prediction), eventTime);
    Instant expiresAt = prediction.getEventTime().plus(retention);
    if (entry != null && entry.getLabel() != null) {
      join(eventId, prediction, entry.getLabel(), entry.getLabelArrivedAt().toEpochMilli());
      store(eventId, joined(expiresAt));
    } else {
      store(
          eventId,
          PendingJoin.newBuilder()
              .setWaitingPrediction(prediction)
              .setExpiresAt(expiresAt)
              .build());
    }
  }

  /**
   * What is kept of a joined pair until it expires: that it was joined (a second prediction or
   * label for its id is a duplicate), not the records themselves.
   */
  private static PendingJoin joined(Instant expiresAt) {
    return PendingJoin.newBuilder().setLabelled(true).setExpiresAt(expiresAt).build();
  }

  private void onLabel(String eventId, Label label, long arrivedAt) {
    PendingJoin entry = pending.get(eventId);
    if (entry == null) {
      entry =
          PendingJoin.newBuilder()
              .setLabel(label)
              .setLabelArrivedAt(Instant.ofEpochMilli(arrivedAt))
              .setExpiresAt(Instant.ofEpochMilli(arrivedAt).plus(retention))
              .build();
      store(eventId, entry);
      return;
    }
    if (entry.getLabelled() || entry.getLabel() != null) {
      counters.duplicateLabels.increment();
      return;
    }
    join(eventId, waitingOf(entry), label, arrivedAt);
    pending.put(eventId, joined(entry.getExpiresAt()));
  }

  /**
   * Joins a prediction with its label, in either arrival order: LABELLED at the event time when the
   * label is on time, else LATE_LABEL (counted) at the watermark when it is found late.
   *
   * @param labelTime the label record's timestamp
   */
  private void join(String eventId, WaitingPrediction prediction, Label label, long labelTime) {
    long eventTime = prediction.getEventTime().toEpochMilli();
    GroupKey byTruth = trueClassKey(prediction, label);
    if (config.isLateLabel(eventTime, labelTime)) {
      counters.lateLabels.increment();
      long foundLate = Math.max(labelTime, watermarks.watermark());
      CalibrationObservation late = observation(ObservationKind.LATE_LABEL, eventId, prediction);
      emit(prediction, late, foundLate);
      if (byTruth != null) {
        addByTruth(byTruth, late, foundLate);
      }
    } else {
      CalibrationObservation labelled = labelled(eventId, prediction, label);
      emit(prediction, labelled, eventTime);
      if (byTruth != null) {
        addByTruth(byTruth, observation(ObservationKind.SCORED, eventId, prediction), eventTime);
        addByTruth(byTruth, labelled, eventTime);
      }
    }
  }

  /**
   * The TRUE_BASE or TRUE_NEW key of a joined pair: is the label's class one of the prompt
   * version's base classes? Null while the monitor has not read the version (zero-shot, version 0,
   * has none: its pairs are in the predicted-class groups only).
   */
  private GroupKey trueClassKey(WaitingPrediction prediction, Label label) {
    VersionBaseClasses version =
        baseClasses.get(
            BaseClassesLoader.key(prediction.getDeployment(), prediction.getPromptVersion()));
    if (version == null) {
      return null;
    }
    boolean base = version.getBaseClasses().contains(label.getTrueClass());
    return new GroupKey(
        prediction.getDeployment(),
        prediction.getPromptVersion(),
        base ? ReportGroup.TRUE_BASE : ReportGroup.TRUE_NEW);
  }

  /**
   * Adds a joined pair's observation to its true-class group. Where its windows have closed it is
   * already counted and dead-lettered through the ALL group: nothing more is said here.
   */
  private void addByTruth(GroupKey key, CalibrationObservation observation, long timestamp) {
    parts.add(key.toString(), observation, timestamp, watermarks.watermark());
  }

  private CalibrationObservation labelled(
      String eventId, WaitingPrediction prediction, Label label) {
    CalibrationObservation observation = observation(ObservationKind.LABELLED, eventId, prediction);
    boolean correct = prediction.getPredictedClass().equals(label.getTrueClass());
    observation.setCorrect(correct);
    if (prediction.getZeroShotClass() != null && prediction.getZeroShotConfidence() != null) {
      observation.setZeroShotConfidence(prediction.getZeroShotConfidence());
      observation.setZeroShotCorrect(prediction.getZeroShotClass().equals(label.getTrueClass()));
    }
    List<String> classes = classNames(prediction);
    int trueIndex = classes.indexOf(label.getTrueClass());
    observation.setTrueClassIndex(trueIndex);
    ByteBuffer packed = prediction.getClassProbabilities();
    int count = packed == null ? 0 : packed.remaining() / Float.BYTES;
    if (trueIndex >= 0 && count == classes.size()) {
      FloatBuffer probabilities = packed.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      double sumSquares = 0;
      for (int i = 0; i < count; i++) {
        double p = probabilities.get(i);
        sumSquares += p * p;
      }
      double pTrue = probabilities.get(trueIndex);
      observation.setBrier(Math.max(0.0, Math.min(2.0, sumSquares - 2 * pTrue + 1)));
      observation.setNll(-Math.log(Math.max(pTrue, 1e-12)));
    }
    return observation;
  }

  /** What the join keeps of a prediction while it waits: its probabilities packed as float32. */
  static WaitingPrediction waiting(Prediction prediction) {
    List<Float> probabilities = prediction.getClassProbabilities();
    ByteBuffer packed = null;
    if (probabilities != null) {
      packed =
          ByteBuffer.allocate(probabilities.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (Float p : probabilities) {
        packed.putFloat(p);
      }
      packed.flip();
    }
    return WaitingPrediction.newBuilder()
        .setEventTime(prediction.getEventTime())
        .setDeployment(prediction.getDeployment())
        .setPromptVersion(prediction.getPromptVersion())
        .setGroup(prediction.getGroup())
        .setPredictedClass(prediction.getPredictedClass())
        .setConfidence(prediction.getConfidence())
        .setClassSetVersion(prediction.getClassSetVersion())
        .setClassProbabilities(packed)
        .setZeroShotProbability(prediction.getZeroShotProbability())
        .setZeroShotClass(prediction.getZeroShotClass())
        .setZeroShotConfidence(prediction.getZeroShotConfidence())
        .build();
  }

  /** The waiting prediction of an entry, whether this version or an earlier one wrote it. */
  private static WaitingPrediction waitingOf(PendingJoin entry) {
    if (entry.getWaitingPrediction() != null) {
      return entry.getWaitingPrediction();
    }
    return entry.getPrediction() == null ? null : waiting(entry.getPrediction());
  }

  /**
   * The classes of the class set a prediction was scored with, in its probabilities' order: the
   * deployment's latest, when that is the one (or the prediction was stored before it said which);
   * none otherwise (the class set changed while it waited; the monitor keeps only the latest), so
   * no probability is read at another class's index.
   */
  private List<String> classNames(WaitingPrediction prediction) {
    ClassSet classSet = classSets.get(prediction.getDeployment());
    if (classSet == null) {
      return List.of();
    }
    long scoredWith = prediction.getClassSetVersion();
    return scoredWith < 0 || scoredWith == classSet.getVersion()
        ? classSet.getClassNames()
        : List.of();
  }

  private static CalibrationObservation observation(
      ObservationKind kind, String eventId, WaitingPrediction prediction) {
    return CalibrationObservation.newBuilder()
        .setKind(kind)
        .setEventId(eventId)
        .setConfidence(prediction.getConfidence())
        .setPredictedNew(prediction.getGroup() == CalibrationGroup.NEW)
        .setZeroShotProbability(
            kind == ObservationKind.SCORED ? prediction.getZeroShotProbability() : null)
        .build();
  }

  private void emit(
      WaitingPrediction prediction, CalibrationObservation observation, long timestamp) {
    GroupKey key =
        new GroupKey(
            prediction.getDeployment(),
            prediction.getPromptVersion(),
            ReportGroup.of(prediction.getGroup(), CalibrationGrouping.PREDICTED_CLASS));
    long watermark = watermarks.watermark();
    parts.add(key.toString(), observation, timestamp, watermark);
    String all = key.withGroup(ReportGroup.ALL).toString();
    switch (parts.add(all, observation, timestamp, watermark)) {
      case OPEN -> {}
      case PARTLY_CLOSED -> counters.partlyLateObservations.get(observation.getKind()).increment();
      case CLOSED -> deadLetter(all, observation, timestamp, watermark);
    }
  }

  /**
   * Sends an observation whose every window has closed to dead-letters, keyed by its event id, the
   * observation itself as the value.
   */
  private void deadLetter(
      String key, CalibrationObservation observation, long timestamp, long watermark) {
    counters.lateObservations.get(observation.getKind()).increment();
    counters.deadLetters.increment();
    Window last =
        windows.windowsFor(timestamp).values().stream()
            .max(Comparator.comparingLong(Window::end))
            .orElseThrow();
    String message =
        observation.getKind()
            + " observation of event '"
            + observation.getEventId()
            + "' ("
            + key
            + ") at "
            + Instant.ofEpochMilli(timestamp)
            + " came after every window containing it had closed: the watermark of input partition "
            + context.taskId().partition()
            + " was "
            + Instant.ofEpochMilli(watermark)
            + ", and the last of its windows, ["
            + Instant.ofEpochMilli(last.start())
            + ", "
            + Instant.ofEpochMilli(last.end())
            + "), closed at its end + label delay + grace ("
            + config.closeAfter()
            + ")";
    String eventId = observation.getEventId();
    context.forward(
        new Record<>(
            eventId,
            Decoded.dead(
                DeadLetters.of(
                    context,
                    eventId,
                    observationCodec.encode(observation),
                    WINDOWS_CLOSED,
                    message)),
            timestamp));
  }

  private void store(String eventId, PendingJoin entry) {
    pending.put(eventId, entry);
    expiry.add(entry.getExpiresAt().toEpochMilli(), eventId);
  }

  /** The expiry index is derived state: read back from the pending joins the task restored. */
  private void rebuildExpiryIndex() {
    expiry.clear();
    try (KeyValueIterator<String, PendingJoin> all = pending.all()) {
      all.forEachRemaining(e -> expiry.add(e.value.getExpiresAt().toEpochMilli(), e.key));
    }
  }

  private void expire(long watermark) {
    if (watermark < 0) {
      return;
    }
    for (String eventId : expiry.due(watermark)) {
      PendingJoin join = pending.get(eventId);
      if (join == null || join.getExpiresAt().toEpochMilli() > watermark) {
        continue; // expired already, or superseded by a later expiry
      }
      if (join.getLabel() != null) {
        counters.unmatchedLabels.increment();
      }
      pending.delete(eventId);
    }
  }
}
