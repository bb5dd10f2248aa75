package io.calmon.monitor.topology;

import io.calmon.core.calibration.CalibrationSketch;
import io.calmon.core.calibration.CalibrationSketchCodec;
import io.calmon.core.calibration.EqualWidthBins;
import io.calmon.schemas.state.CalibrationObservation;
import io.calmon.schemas.state.WindowCalibration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The windowed aggregate: starts empty, folds in one observation at a time. */
final class WindowCalibrations {
  private final int bins;
  private final int fineBinsPerBin;

  WindowCalibrations(int bins, int fineBinsPerBin) {
    this.bins = bins;
    this.fineBinsPerBin = fineBinsPerBin;
  }

  WindowCalibration empty() {
    return WindowCalibration.newBuilder()
        .setScoredCount(0)
        .setPredictedNewCount(0)
        .setLateLabelCount(0)
        .setConfidenceHistogram(new ArrayList<>(Collections.nCopies(bins, 0L)))
        .setSketch(CalibrationSketchCodec.toRecord(new CalibrationSketch(bins, fineBinsPerBin)))
        .build();
  }

  WindowCalibration add(CalibrationObservation observation, WindowCalibration window) {
    switch (observation.getKind()) {
      case SCORED -> {
        window.setScoredCount(window.getScoredCount() + 1);
        if (observation.getPredictedNew()) {
          window.setPredictedNewCount(window.getPredictedNewCount() + 1);
        }
        List<Long> histogram = new ArrayList<>(window.getConfidenceHistogram());
        int bin = EqualWidthBins.index(observation.getConfidence(), histogram.size());
        histogram.set(bin, histogram.get(bin) + 1);
        window.setConfidenceHistogram(histogram);
      }
      case LATE_LABEL -> window.setLateLabelCount(window.getLateLabelCount() + 1);
      case LABELLED -> {
        CalibrationSketch sketch = CalibrationSketchCodec.fromRecord(window.getSketch());
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
        window.setSketch(CalibrationSketchCodec.toRecord(sketch));
      }
      default -> throw new IllegalStateException("unknown observation " + observation.getKind());
    }
    return window;
  }
}
