package io.calmon.monitor.topology;

import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.TextShift;
import io.calmon.schemas.serde.RecordCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Decodes and validates raw input values. Anything wrong becomes a dead letter carrying the
 * original bytes, a machine-readable error type and the reason in words; nothing here ever throws
 * for bad input, so no record can stop the monitor or reach its state.
 *
 * <ul>
 *   <li>Every record: a non-empty key (MISSING_KEY), a body that decodes within Avro's limits.
 *   <li>Times (a prediction's event time, a label's labelled-at time): not negative and not more
 *       than the configured skew ahead of the wall clock (INVALID_TIME, EVENT_TIME_IN_FUTURE), so
 *       one record stamped far ahead cannot close every open window.
 *   <li>Predictions: confidence, zero-shot probability and confidence and every class probability
 *       finite and in [0, 1] (a zero-shot class with its confidence), a non-negative prompt
 *       version, a non-empty deployment and predicted class (INVALID_PREDICTION); when scored
 *       against the deployment's latest class set, the predicted class must be in it
 *       (UNKNOWN_CLASS) and shipped probabilities one per class (INVALID_PREDICTION).
 *   <li>Labels: a non-empty deployment and true class (INVALID_LABEL); when the deployment's class
 *       set is known, the true class must be in it or in one it replaced since start-up
 *       (UNKNOWN_CLASS).
 *   <li>Prompt health: a non-empty deployment, positive versions, and per group at least one class
 *       and every distance finite in [0, 2], as cosine distances are (INVALID_PROMPT_HEALTH).
 * </ul>
 */
abstract sealed class RecordDecoder<T> implements FixedKeyProcessor<String, byte[], Decoded<T>> {
  private final MonitorCounters counters;
  private final RecordCodec<?> codec;
  private final RecordCodec<ClassSet> classSetCodec;
  private final LongAdder read;
  private final Duration maxFutureSkew;
  FixedKeyProcessorContext<String, Decoded<T>> context;
  private ClassSets classSets;

  RecordDecoder(
      RecordCodec<?> codec,
      RecordCodec<ClassSet> classSetCodec,
      Duration maxFutureSkew,
      MonitorCounters counters,
      LongAdder read) {
    this.codec = codec;
    this.classSetCodec = classSetCodec;
    this.maxFutureSkew = maxFutureSkew;
    this.counters = counters;
    this.read = read;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Decoded<T>> context) {
    this.context = context;
    this.classSets =
        new ClassSets(context.getStateStore(MonitorTopology.CLASS_SETS_STORE), classSetCodec);
  }

  /** The deployment's latest class set, or null while the monitor has read none. */
  ClassSet classSet(String deployment) {
    return classSets.get(deployment);
  }

  /** Whether the class is in the deployment's latest class set or one read before it. */
  boolean everServed(String deployment, String className) {
    return classSets.everServed(deployment, className);
  }

  @Override
  public void process(FixedKeyRecord<String, byte[]> record) {
    read.increment();
    Decoded<T> decoded;
    if (record.key() == null || record.key().isEmpty()) {
      decoded =
          dead(record, "MISSING_KEY", "the record has no key; calmon keys records by event id");
    } else if (record.value() == null) {
      decoded = dead(record, "EMPTY_VALUE", "the record has no value");
    } else {
      try {
        @SuppressWarnings("unchecked")
        T value = (T) codec.decode(record.value());
        Problem problem = validate(value);
        decoded =
            problem == null ? Decoded.ok(value) : dead(record, problem.type(), problem.message());
      } catch (RecordDecodingException e) {
        decoded = dead(record, e.reason().name(), e.getMessage());
      }
    }
    context.forward(record.withValue(decoded));
  }

  private Decoded<T> dead(FixedKeyRecord<String, byte[]> record, String type, String message) {
    counters.deadLetters.increment();
    return Decoded.dead(DeadLetters.of(context, record.key(), record.value(), type, message));
  }

  /** What is wrong with a record: a dead letter's error type and message. */
  record Problem(String type, String message) {}

  /** Null when the record is fine, else what is wrong with it. */
  abstract Problem validate(T value);

  /** A time that is negative or too far ahead of the wall clock, or null. */
  Problem checkTime(String what, long millis) {
    if (millis < 0) {
      return new Problem("INVALID_TIME", what + " " + millis + " ms is before 1970");
    }
    long limit = context.currentSystemTimeMs() + maxFutureSkew.toMillis();
    return millis > limit
        ? new Problem(
            "EVENT_TIME_IN_FUTURE",
            what
                + " "
                + Instant.ofEpochMilli(millis)
                + " is more than "
                + maxFutureSkew
                + " ahead of the monitor's clock")
        : null;
  }

  static boolean isProbability(double p) {
    return Double.isFinite(p) && p >= 0 && p <= 1;
  }

  static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }

  /** Predictions: decode, check numbers and names, reject event times out of range. */
  static final class Predictions extends RecordDecoder<Prediction> {
    Predictions(Duration maxFutureSkew, MonitorCounters counters, TopologyCodecs codecs) {
      super(
          codecs.predictions(), codecs.classSets(), maxFutureSkew, counters, counters.predictions);
    }

    @Override
    Problem validate(Prediction prediction) {
      String invalid = invalid(prediction);
      if (invalid != null) {
        return new Problem("INVALID_PREDICTION", invalid);
      }
      Problem time = checkTime("event time", prediction.getEventTime().toEpochMilli());
      return time != null ? time : checkClasses(prediction);
    }

    /**
     * Against the class set it was scored with, when that is the deployment's latest (the monitor
     * keeps only the latest: a prediction of an earlier class set is not checked): the predicted
     * class must be in it (UNKNOWN_CLASS) and shipped probabilities must be one per class
     * (INVALID_PREDICTION).
     */
    private Problem checkClasses(Prediction prediction) {
      ClassSet classSet = classSet(prediction.getDeployment());
      if (classSet == null || classSet.getVersion() != prediction.getClassSetVersion()) {
        return null;
      }
      if (!classSet.getClassNames().contains(prediction.getPredictedClass())) {
        return new Problem(
            "UNKNOWN_CLASS",
            "predicted class '"
                + prediction.getPredictedClass()
                + "' is not in class set version "
                + classSet.getVersion()
                + " of deployment "
                + prediction.getDeployment());
      }
      List<Float> probabilities = prediction.getClassProbabilities();
      if (probabilities != null && probabilities.size() != classSet.getClassNames().size()) {
        return new Problem(
            "INVALID_PREDICTION",
            probabilities.size()
                + " class probabilities for the "
                + classSet.getClassNames().size()
                + " classes of class set version "
                + classSet.getVersion()
                + " of deployment "
                + prediction.getDeployment());
      }
      return null;
    }

    private static String invalid(Prediction prediction) {
      if (!isProbability(prediction.getConfidence())) {
        return "confidence " + prediction.getConfidence() + " is not a probability in [0, 1]";
      }
      Double zeroShot = prediction.getZeroShotProbability();
      if (zeroShot != null && !isProbability(zeroShot)) {
        return "zero-shot probability " + zeroShot + " is not a probability in [0, 1]";
      }
      Double zeroShotConfidence = prediction.getZeroShotConfidence();
      if (zeroShotConfidence != null && !isProbability(zeroShotConfidence)) {
        return "zero-shot confidence " + zeroShotConfidence + " is not a probability in [0, 1]";
      }
      if ((zeroShotConfidence == null) != (prediction.getZeroShotClass() == null)
          || (prediction.getZeroShotClass() != null && isBlank(prediction.getZeroShotClass()))) {
        return "zero-shot class and confidence come together, the class not empty";
      }
      if (prediction.getPromptVersion() < 0) {
        return "prompt version " + prediction.getPromptVersion() + " is negative";
      }
      if (isBlank(prediction.getDeployment()) || isBlank(prediction.getPredictedClass())) {
        return "deployment and predicted class must not be empty";
      }
      if (prediction.getGroup() == CalibrationGroup.ALL) {
        return "group ALL names every prediction in a report; a prediction is BASE or NEW";
      }
      List<Float> probabilities = prediction.getClassProbabilities();
      if (probabilities != null) {
        for (int k = 0; k < probabilities.size(); k++) {
          Float p = probabilities.get(k);
          if (p == null || !isProbability(p)) {
            return "class probability " + k + " (" + p + ") is not a probability in [0, 1]";
          }
        }
      }
      return null;
    }
  }

  /**
   * Labels: decode, check the time and names, reject classes outside the deployment's class set.
   */
  static final class Labels extends RecordDecoder<Label> {
    Labels(Duration maxFutureSkew, MonitorCounters counters, TopologyCodecs codecs) {
      super(codecs.labels(), codecs.classSets(), maxFutureSkew, counters, counters.labels);
    }

    @Override
    Problem validate(Label label) {
      if (isBlank(label.getDeployment()) || isBlank(label.getTrueClass())) {
        return new Problem("INVALID_LABEL", "deployment and true class must not be empty");
      }
      Problem time = checkTime("labelled-at time", label.getLabelledAt().toEpochMilli());
      if (time != null) {
        return time;
      }
      ClassSet classSet = classSet(label.getDeployment());
      if (classSet == null) {
        return null; // nothing to check against yet
      }
      return everServed(label.getDeployment(), label.getTrueClass())
          ? null
          : new Problem(
              "UNKNOWN_CLASS",
              "true class '"
                  + label.getTrueClass()
                  + "' is in none of the class sets of deployment "
                  + label.getDeployment()
                  + " (latest: version "
                  + classSet.getVersion()
                  + ")");
    }
  }

  /** Prompt-health measures from the scorers: decode, check names, versions and distances. */
  static final class PromptHealths extends RecordDecoder<PromptHealth> {
    PromptHealths(Duration maxFutureSkew, MonitorCounters counters, TopologyCodecs codecs) {
      super(
          codecs.promptHealth(),
          codecs.classSets(),
          maxFutureSkew,
          counters,
          counters.promptHealths);
    }

    @Override
    Problem validate(PromptHealth health) {
      String invalid = invalid(health);
      return invalid == null ? null : new Problem("INVALID_PROMPT_HEALTH", invalid);
    }

    private static String invalid(PromptHealth health) {
      if (isBlank(health.getDeployment())) {
        return "deployment must not be empty";
      }
      if (health.getPromptVersion() < 1 || health.getClassSetVersion() < 1) {
        return "prompt version "
            + health.getPromptVersion()
            + " and class set version "
            + health.getClassSetVersion()
            + " must be 1 or more";
      }
      String base = invalid("base classes", health.getBaseClasses());
      return base != null ? base : invalid("new classes", health.getNewClasses());
    }

    private static String invalid(String group, TextShift shift) {
      if (shift == null) {
        return null;
      }
      if (shift.getClasses() < 1) {
        return group + ": " + shift.getClasses() + " classes";
      }
      double[] distances = {
        shift.getDivergence(),
        shift.getZeroShotDivergence(),
        shift.getSeparation(),
        shift.getZeroShotSeparation(),
        shift.getDeviation()
      };
      for (double d : distances) {
        if (!(Double.isFinite(d) && d >= -1e-9 && d <= 2 + 1e-9)) {
          return group + ": cosine distance " + d + " is not in [0, 2]";
        }
      }
      return null;
    }
  }
}
