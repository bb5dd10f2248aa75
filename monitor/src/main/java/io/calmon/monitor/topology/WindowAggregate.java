package io.calmon.monitor.topology;

import io.calmon.core.calibration.CalibrationSketch;
import io.calmon.core.calibration.ConfidenceLift;
import io.calmon.core.calibration.EqualWidthBins;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.state.CalibrationObservation;
import io.calmon.schemas.state.WindowCalibration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The calibration aggregate of one (deployment, prompt version, group) over one window (traffic,
 * confidences, the confidence lift over zero-shot, the labelled calibration sketch and the
 * template's on the same labelled predictions), as a mutable object: observations are folded in
 * without decoding or encoding anything, and parts computed on different input partitions merge
 * exactly ({@link #addAll}). {@link WindowCalibration} is its form in stores and on internal topics
 * only.
 */
final class WindowAggregate {
  private long scoredCount;
  private long predictedNewCount;
  private long lateLabelCount;
  private final long[] confidenceHistogram;
  private final CalibrationSketch sketch;
  private final ConfidenceLift lift;
  private final CalibrationSketch zeroShotSketch;

  private WindowAggregate(
      long[] confidenceHistogram,
      CalibrationSketch sketch,
      ConfidenceLift lift,
      CalibrationSketch zeroShotSketch) {
    this.confidenceHistogram = confidenceHistogram;
    this.sketch = sketch;
    this.lift = lift;
    this.zeroShotSketch = zeroShotSketch;
  }

  /**
   * The template's sketch on the same labelled predictions: its bins only (one fine bin each), for
   * its accuracy, mean confidence and ECE.
   */
  static CalibrationSketch zeroShotSketch(int bins) {
    return new CalibrationSketch(bins, 1);
  }

  /** An empty aggregate: {@code bins} reliability bins, {@code fineBinsPerBin} for ACE. */
  static WindowAggregate empty(int bins, int fineBinsPerBin) {
    return new WindowAggregate(
        new long[bins],
        new CalibrationSketch(bins, fineBinsPerBin),
        new ConfidenceLift(),
        zeroShotSketch(bins));
  }

  /** Stores the aggregate as its {@link WindowCalibration} record, Avro single-object encoded. */
  static Serde<WindowAggregate> serde() {
    AvroCodec<WindowCalibration> codec = AvroCodec.of(WindowCalibration.class);
    return Serdes.serdeFrom(
        (topic, aggregate) -> aggregate == null ? null : codec.encode(aggregate.toRecord()),
        (topic, bytes) -> bytes == null ? null : fromRecord(codec.decode(bytes)));
  }

  static WindowAggregate fromRecord(WindowCalibration record) {
    List<Long> histogram = record.getConfidenceHistogram();
    long[] counts = new long[histogram.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = histogram.get(i);
    }
    WindowAggregate aggregate =
        new WindowAggregate(
            counts,
            CalibrationSketchCodec.fromRecord(record.getSketch()),
            ConfidenceLift.of(
                record.getLiftCount(), record.getLiftConfidenceSum(), record.getLiftZeroShotSum()),
            record.getZeroShotSketch() == null
                ? zeroShotSketch(counts.length)
                : CalibrationSketchCodec.fromRecord(record.getZeroShotSketch()));
    aggregate.scoredCount = record.getScoredCount();
    aggregate.predictedNewCount = record.getPredictedNewCount();
    aggregate.lateLabelCount = record.getLateLabelCount();
    return aggregate;
  }

  WindowCalibration toRecord() {
    List<Long> histogram = new ArrayList<>(confidenceHistogram.length);
    for (long count : confidenceHistogram) {
      histogram.add(count);
    }
    return WindowCalibration.newBuilder()
        .setScoredCount(scoredCount)
        .setPredictedNewCount(predictedNewCount)
        .setLateLabelCount(lateLabelCount)
        .setConfidenceHistogram(histogram)
        .setSketch(CalibrationSketchCodec.toRecord(sketch))
        .setLiftCount(lift.count())
        .setLiftConfidenceSum(lift.confidenceSum())
        .setLiftZeroShotSum(lift.zeroShotSum())
        .setZeroShotSketch(CalibrationSketchCodec.toRecord(zeroShotSketch))
        .build();
  }

  /** Folds in one observation. */
  WindowAggregate add(CalibrationObservation observation) {
    switch (observation.getKind()) {
      case SCORED -> {
        scoredCount++;
        if (observation.getPredictedNew()) {
          predictedNewCount++;
        }
        confidenceHistogram[
            EqualWidthBins.index(observation.getConfidence(), confidenceHistogram.length)]++;
        if (observation.getZeroShotProbability() != null) {
          lift.add(observation.getConfidence(), observation.getZeroShotProbability());
        }
      }
      case LATE_LABEL -> lateLabelCount++;
      case LABELLED -> {
        if (observation.getTrueClassIndex() >= 0) {
          sketch.add(
              observation.getConfidence(),
              observation.getCorrect(),
              observation.getTrueClassIndex());
        } else {
          sketch.add(observation.getConfidence(), observation.getCorrect());
        }
        if (observation.getBrier() != null) {
          sketch.addBrier(observation.getBrier());
        }
        if (observation.getNll() != null) {
          sketch.addNegativeLogLikelihood(observation.getNll());
        }
        if (observation.getZeroShotConfidence() != null) {
          zeroShotSketch.add(observation.getZeroShotConfidence(), observation.getZeroShotCorrect());
        }
      }
      default -> throw new IllegalStateException("unknown observation " + observation.getKind());
    }
    return this;
  }

  /** Adds everything {@code other} holds (mutating this aggregate only). */
  WindowAggregate addAll(WindowAggregate other) {
    if (other.confidenceHistogram.length != confidenceHistogram.length) {
      throw new IllegalArgumentException(
          "cannot merge histograms of "
              + confidenceHistogram.length
              + " and "
              + other.confidenceHistogram.length
              + " bins");
    }
    scoredCount += other.scoredCount;
    predictedNewCount += other.predictedNewCount;
    lateLabelCount += other.lateLabelCount;
    for (int i = 0; i < confidenceHistogram.length; i++) {
      confidenceHistogram[i] += other.confidenceHistogram[i];
    }
    sketch.addAll(other.sketch);
    lift.addAll(other.lift);
    zeroShotSketch.addAll(other.zeroShotSketch);
    return this;
  }

  /** Observations of any kind folded in: zero means nothing to report. */
  long observations() {
    return scoredCount + lateLabelCount + sketch.count();
  }
}
