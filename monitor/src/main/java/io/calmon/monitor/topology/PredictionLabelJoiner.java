package io.calmon.monitor.topology;

import io.calmon.monitor.MonitorConfig;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.state.CalibrationObservation;
import io.calmon.schemas.state.ObservationKind;
import io.calmon.schemas.state.PendingJoin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Joins predictions with their labels by event id, whichever arrives first, and turns each into
 * calibration observations keyed by (deployment, prompt version, group), once for the predicted
 * class's group and once for ALL.
 *
 * <ul>
 *   <li>A prediction yields SCORED at its event time (traffic and confidence, labelled or not).
 *   <li>A label is late when its timestamp is more than label delay + grace after its prediction's
 *       event time ({@link MonitorConfig#isLateLabel}), whichever of the two arrives first: the
 *       rule is checked when the label joins a waiting prediction, and when a prediction joins a
 *       waiting label.
 *   <li>An on-time label yields LABELLED at the event time, so it lands in the same window as its
 *       prediction.
 *   <li>A late label yields LATE_LABEL at the join's stream time when it is found late (never
 *       earlier than the label's own timestamp): counted in a window still open then, never used in
 *       metrics of a window that may already be final.
 *   <li>Duplicates (a second prediction or label for an id) are ignored and counted.
 * </ul>
 *
 * Predictions wait {@link MonitorConfig#predictionRetention()} of stream time for labels; a
 * time-ordered index store lets the punctuator drop expired entries without scanning everything.
 */
final class PredictionLabelJoiner
    implements Processor<String, JoinInput, String, CalibrationObservation> {

  private final MonitorConfig config;
  private final MonitorCounters counters;
  private ProcessorContext<String, CalibrationObservation> context;
  private KeyValueStore<String, PendingJoin> pending;
  private KeyValueStore<String, String> expiry;
  private KeyValueStore<String, ValueAndTimestamp<ClassSet>> classSets;

  PredictionLabelJoiner(MonitorConfig config, MonitorCounters counters) {
    this.config = config;
    this.counters = counters;
  }

  @Override
  public void init(ProcessorContext<String, CalibrationObservation> context) {
    this.context = context;
    this.pending = context.getStateStore(MonitorTopology.PENDING_STORE);
    this.expiry = context.getStateStore(MonitorTopology.EXPIRY_STORE);
    this.classSets = context.getStateStore(MonitorTopology.CLASS_SETS_STORE);
    Duration every = config.grace().isZero() ? Duration.ofSeconds(10) : config.grace();
    context.schedule(every, PunctuationType.STREAM_TIME, this::expire);
  }

  @Override
  public void process(Record<String, JoinInput> record) {
    if (record.value() instanceof JoinInput.OfPrediction p) {
      onPrediction(record.key(), p.prediction());
    } else if (record.value() instanceof JoinInput.OfLabel l) {
      onLabel(record.key(), l.label(), record.timestamp());
    }
  }

  private void onPrediction(String eventId, Prediction prediction) {
    PendingJoin entry = pending.get(eventId);
    if (entry != null && entry.getPrediction() != null) {
      counters.duplicatePredictions.increment();
      return;
    }
    long eventTime = prediction.getEventTime().toEpochMilli();
    emit(prediction, observation(ObservationKind.SCORED, eventId, prediction), eventTime);
    if (entry != null && entry.getLabel() != null) {
      dropIndex(entry, eventId);
      join(eventId, prediction, entry.getLabel(), entry.getLabelArrivedAt().toEpochMilli());
      entry.setLabel(null);
      entry.setLabelArrivedAt(null);
      entry.setLabelled(true);
    } else {
      entry = PendingJoin.newBuilder().setExpiresAt(Instant.EPOCH).build();
    }
    entry.setPrediction(prediction);
    entry.setExpiresAt(prediction.getEventTime().plus(config.predictionRetention()));
    store(eventId, entry);
  }

  private void onLabel(String eventId, Label label, long arrivedAt) {
    PendingJoin entry = pending.get(eventId);
    if (entry == null) {
      entry =
          PendingJoin.newBuilder()
              .setLabel(label)
              .setLabelArrivedAt(Instant.ofEpochMilli(arrivedAt))
              .setExpiresAt(Instant.ofEpochMilli(arrivedAt).plus(config.predictionRetention()))
              .build();
      store(eventId, entry);
      return;
    }
    if (entry.getLabelled() || entry.getLabel() != null) {
      counters.duplicateLabels.increment();
      return;
    }
    join(eventId, entry.getPrediction(), label, arrivedAt);
    entry.setLabelled(true);
    pending.put(eventId, entry);
  }

  /**
   * Joins a prediction with its label, in either arrival order: LABELLED at the event time when the
   * label is on time, else LATE_LABEL (counted) at the stream time it is found late.
   *
   * @param labelTime the label record's timestamp
   */
  private void join(String eventId, Prediction prediction, Label label, long labelTime) {
    long eventTime = prediction.getEventTime().toEpochMilli();
    if (config.isLateLabel(eventTime, labelTime)) {
      counters.lateLabels.increment();
      long foundLate = Math.max(labelTime, context.currentStreamTimeMs());
      emit(prediction, observation(ObservationKind.LATE_LABEL, eventId, prediction), foundLate);
    } else {
      emit(prediction, labelled(eventId, prediction, label), eventTime);
    }
  }

  private CalibrationObservation labelled(String eventId, Prediction prediction, Label label) {
    CalibrationObservation observation = observation(ObservationKind.LABELLED, eventId, prediction);
    boolean correct = prediction.getPredictedClass().equals(label.getTrueClass());
    observation.setCorrect(correct);
    List<String> classes = classNames(prediction.getDeployment());
    int trueIndex = classes.indexOf(label.getTrueClass());
    observation.setTrueClassIndex(trueIndex);
    List<Float> probabilities = prediction.getClassProbabilities();
    if (probabilities != null && trueIndex >= 0 && probabilities.size() == classes.size()) {
      double sumSquares = 0;
      for (Float p : probabilities) {
        sumSquares += (double) p * p;
      }
      double pTrue = probabilities.get(trueIndex);
      observation.setBrier(Math.max(0.0, Math.min(2.0, sumSquares - 2 * pTrue + 1)));
      observation.setNll(-Math.log(Math.max(pTrue, 1e-12)));
    }
    return observation;
  }

  private List<String> classNames(String deployment) {
    ValueAndTimestamp<ClassSet> classSet = classSets.get(deployment);
    return classSet == null || classSet.value() == null
        ? List.of()
        : classSet.value().getClassNames();
  }

  private static CalibrationObservation observation(
      ObservationKind kind, String eventId, Prediction prediction) {
    return CalibrationObservation.newBuilder()
        .setKind(kind)
        .setEventId(eventId)
        .setConfidence(prediction.getConfidence())
        .setPredictedNew(prediction.getGroup() == CalibrationGroup.NEW)
        .build();
  }

  private void emit(Prediction prediction, CalibrationObservation observation, long timestamp) {
    GroupKey key =
        new GroupKey(
            prediction.getDeployment(), prediction.getPromptVersion(), prediction.getGroup());
    context.forward(new Record<>(key.toString(), observation, timestamp));
    context.forward(
        new Record<>(key.withGroup(CalibrationGroup.ALL).toString(), observation, timestamp));
  }

  private void store(String eventId, PendingJoin entry) {
    pending.put(eventId, entry);
    expiry.put(indexKey(entry.getExpiresAt().toEpochMilli(), eventId), eventId);
  }

  private void dropIndex(PendingJoin entry, String eventId) {
    expiry.delete(indexKey(entry.getExpiresAt().toEpochMilli(), eventId));
  }

  private void expire(long streamTime) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it =
        expiry.range(indexKey(0, ""), indexKey(streamTime, "\uffff"))) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> entry : due) {
      expiry.delete(entry.key);
      PendingJoin join = pending.get(entry.value);
      if (join == null || join.getExpiresAt().toEpochMilli() > streamTime) {
        continue; // superseded by a later index entry
      }
      if (join.getPrediction() == null) {
        counters.unmatchedLabels.increment();
      }
      pending.delete(entry.value);
    }
  }

  /** Index keys sort by expiry time: zero-padded epoch millis, then the event id. */
  static String indexKey(long expiresAtMillis, String eventId) {
    return String.format("%019d|%s", Math.max(0, expiresAtMillis), eventId);
  }
}
