package io.calmon.monitor.topology;

import io.calmon.core.calibration.CalibrationMetrics;
import io.calmon.core.calibration.CalibrationOptions;
import io.calmon.core.calibration.CalibrationSketch;
import io.calmon.core.calibration.ConfidenceLift;
import io.calmon.core.calibration.EceNoiseFloor;
import io.calmon.core.calibration.EqualWidthBins;
import io.calmon.core.calibration.ReliabilityDiagram;
import io.calmon.monitor.MonitorConfig;
import io.calmon.monitor.ReportGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.ReliabilityBin;
import io.calmon.schemas.state.WindowCalibration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns window aggregates into {@link CalibrationReport}s. Also computes the label-free signals:
 * the confidence lift over zero-shot ({@link ConfidenceLift}), the population stability index of
 * the window's confidence histogram against a reference (the first final window of the same
 * deployment, prompt version and group with at least {@value #REFERENCE_MIN_SCORED} predictions),
 * and for the ALL group the share of traffic predicted as new classes.
 */
final class ReportBuilder implements Processor<String, WindowUpdate, String, CalibrationReport> {

  /** Predictions a final window needs before it becomes the reference for confidence shift. */
  static final long REFERENCE_MIN_SCORED = 50;

  /** Added to every histogram share so empty bins do not make the PSI infinite. */
  private static final double PSI_EPSILON = 1e-4;

  /** The calibrated-redraw quantile reported as the ECE noise floor. */
  static final double NOISE_FLOOR_LEVEL = 0.95;

  private final MonitorConfig config;
  private final CalibrationOptions options;
  private ProcessorContext<String, CalibrationReport> context;
  private KeyValueStore<String, WindowCalibration> references;

  ReportBuilder(MonitorConfig config) {
    this.config = config;
    this.options =
        CalibrationOptions.defaults()
            .withBins(config.bins())
            .withResamples(config.bootstrapResamples());
  }

  @Override
  public void init(ProcessorContext<String, CalibrationReport> context) {
    this.context = context;
    this.references = context.getStateStore(MonitorTopology.REFERENCE_STORE);
  }

  @Override
  public void process(Record<String, WindowUpdate> record) {
    GroupKey key = GroupKey.parse(record.key());
    WindowCalibration window = record.value().window();
    boolean isFinal = record.value().isFinal();
    WindowCalibration reference = references.get(key.toString());
    if (isFinal && reference == null && window.getScoredCount() >= REFERENCE_MIN_SCORED) {
      reference = window; // this window is the reference: its own PSI is 0
      references.put(key.toString(), reference);
    }
    CalibrationReport report =
        report(key, record.value().start(), record.value().end(), window, isFinal, reference);
    context.forward(new Record<>(key.reportKey(), report, record.timestamp()));
  }

  CalibrationReport report(
      GroupKey key,
      Instant start,
      Instant end,
      WindowCalibration window,
      boolean isFinal,
      WindowCalibration reference) {
    CalibrationSketch sketch = CalibrationSketchCodec.fromRecord(window.getSketch());
    CalibrationReport.Builder report =
        CalibrationReport.newBuilder()
            .setDeployment(key.deployment())
            .setPromptVersion(key.promptVersion())
            .setGroup(key.group().group())
            .setGrouping(key.group().grouping())
            .setWindowStart(start)
            .setWindowEnd(end)
            .setEmittedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
            .setFinal$(isFinal)
            .setScoredCount(window.getScoredCount())
            .setLabelledCount(sketch.count())
            .setLateLabelCount(window.getLateLabelCount())
            .setBinCount(config.bins())
            .setConfidencePsi(psi(window, reference))
            .setNewClassShare(
                key.group() == ReportGroup.ALL && window.getScoredCount() > 0
                    ? (double) window.getPredictedNewCount() / window.getScoredCount()
                    : null)
            .setLiftCount(window.getLiftCount())
            .setConfidenceLift(
                window.getLiftCount() > 0
                    ? ConfidenceLift.of(
                            window.getLiftCount(),
                            window.getLiftConfidenceSum(),
                            window.getLiftZeroShotSum())
                        .lift()
                    : null);
    CalibrationSketch zeroShot =
        window.getZeroShotSketch() == null
            ? null
            : CalibrationSketchCodec.fromRecord(window.getZeroShotSketch());
    if (zeroShot != null && !zeroShot.isEmpty()) {
      ReliabilityDiagram diagram = zeroShot.diagram();
      report
          .setZeroShotLabelledCount(zeroShot.count())
          .setZeroShotAccuracy(diagram.accuracy())
          .setZeroShotMeanConfidence(diagram.meanConfidence())
          .setZeroShotEce(diagram.ece());
      if (isFinal) {
        // The template's ECE on a window of 100 labels is biased up by several points even where
        // it is calibrated; what a relative rule subtracts is what lies beyond that bias.
        double sampling = EceNoiseFloor.of(diagram, options.resamples(), 0.5, options.seed());
        report.setZeroShotEceBeyondNoise(Math.max(0, diagram.ece() - sampling));
      }
    }
    if (sketch.isEmpty()) {
      return report
          .setAccuracy(0)
          .setMeanConfidence(0)
          .setEce(0)
          .setEceCiLow(0)
          .setEceCiHigh(0)
          .setAce(0)
          .setMce(0)
          .setMceWeighted(0)
          .setBins(emptyBins(config.bins()))
          .build();
    }
    // The bootstrap interval and the noise floor for final reports only: alerts read nothing else,
    // and provisional reports, replaced every provisional interval, carry [0, 1] (not computed).
    CalibrationMetrics metrics = isFinal ? sketch.metrics(options) : sketch.pointMetrics(options);
    Double noiseFloor =
        isFinal
            ? EceNoiseFloor.of(
                sketch.diagram(), options.resamples(), NOISE_FLOOR_LEVEL, options.seed())
            : null;
    return report
        .setEceNoiseFloor(noiseFloor)
        .setAccuracy(metrics.accuracy())
        .setMeanConfidence(metrics.meanConfidence())
        .setEce(metrics.ece())
        .setEceCiLow(metrics.eceInterval().low())
        .setEceCiHigh(metrics.eceInterval().high())
        .setAce(metrics.ace())
        .setMce(metrics.mce())
        .setMceWeighted(metrics.mceWeighted())
        .setBrier(metrics.brier().isPresent() ? metrics.brier().getAsDouble() : null)
        .setNll(metrics.nll().isPresent() ? metrics.nll().getAsDouble() : null)
        .setBins(bins(sketch))
        .build();
  }

  private static List<ReliabilityBin> bins(CalibrationSketch sketch) {
    List<ReliabilityBin> bins = new ArrayList<>();
    for (io.calmon.core.calibration.ReliabilityBin bin : sketch.diagram().bins()) {
      bins.add(
          new ReliabilityBin(
              bin.lower(), bin.upper(), bin.count(), bin.confidence(), bin.accuracy()));
    }
    return bins;
  }

  private static List<ReliabilityBin> emptyBins(int count) {
    List<ReliabilityBin> bins = new ArrayList<>();
    for (int m = 0; m < count; m++) {
      bins.add(
          new ReliabilityBin(
              EqualWidthBins.lower(m, count), EqualWidthBins.upper(m, count), 0L, 0.0, 0.0));
    }
    return bins;
  }

  /** Population stability index sum_i (a_i - r_i) ln(a_i / r_i) over histogram shares. */
  static Double psi(WindowCalibration window, WindowCalibration reference) {
    if (reference == null
        || window.getScoredCount() == 0
        || reference.getConfidenceHistogram().size() != window.getConfidenceHistogram().size()) {
      return null;
    }
    double psi = 0;
    List<Long> actual = window.getConfidenceHistogram();
    List<Long> expected = reference.getConfidenceHistogram();
    for (int i = 0; i < actual.size(); i++) {
      double a = Math.max(PSI_EPSILON, (double) actual.get(i) / window.getScoredCount());
      double r = Math.max(PSI_EPSILON, (double) expected.get(i) / reference.getScoredCount());
      psi += (a - r) * Math.log(a / r);
    }
    return psi;
  }
}
