package io.calmon.cli.demo;

import io.calmon.core.calibration.CalibrationSketch;
import io.calmon.core.calibration.ConfidenceLift;
import io.calmon.schemas.PromptVersion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How one prompt version did on the traffic it scored, per group of true classes: its base classes
 * (those it was tuned on) and the others (the paper's base-to-new split, as the monitor's TRUE_BASE
 * / TRUE_NEW groups), with zero-shot CLIP's figures on the same labelled events beside them (the
 * template's answer each prediction carries, computed by the scorer on the same image), and the
 * label-free confidence lift over zero-shot of every prediction (labelled or not) as the scorer
 * sent it.
 */
final class VersionGroups {
  /** The figures of one group: every prediction counted, calibration over the labelled ones. */
  static final class Tally {
    private final CalibrationSketch sketch;
    private final ConfidenceLift lift = new ConfidenceLift();
    private long predictions;
    private long correct;
    private double confidence;

    Tally(int bins) {
      sketch = new CalibrationSketch(bins);
    }

    /** One prediction, labelled or not, with the template's probability of its class if known. */
    void predicted(double conf, Double zeroShotProbability) {
      predictions++;
      if (zeroShotProbability != null) {
        lift.add(conf, zeroShotProbability);
      }
    }

    void labelled(double conf, boolean right) {
      sketch.add(conf, right);
      correct += right ? 1 : 0;
      confidence += conf;
    }

    long labels() {
      return sketch.count();
    }

    /** NaN without labels. */
    double ece() {
      return sketch.isEmpty() ? Double.NaN : sketch.ece();
    }

    double accuracy() {
      return labels() == 0 ? Double.NaN : (double) correct / labels();
    }

    double meanConfidence() {
      return labels() == 0 ? Double.NaN : confidence / labels();
    }

    CalibrationSketch sketch() {
      return sketch.copy();
    }

    Map<String, Object> fields(boolean withPredictions) {
      Map<String, Object> f = new LinkedHashMap<>();
      if (withPredictions) {
        f.put("predictions", predictions);
        f.put("confidence_lift", orNull(lift.lift()));
      }
      f.put("labels", labels());
      f.put("accuracy", orNull(accuracy()));
      f.put("ece", orNull(ece()));
      f.put("mean_confidence", orNull(meanConfidence()));
      return f;
    }
  }

  private final Tally base;
  private final Tally fresh;
  private final Tally zeroShotBase;
  private final Tally zeroShotNew;

  private VersionGroups(int bins) {
    base = new Tally(bins);
    fresh = new Tally(bins);
    zeroShotBase = new Tally(bins);
    zeroShotNew = new Tally(bins);
  }

  /**
   * The figures of {@code version} from the predictions read ({@code truths} says what each event
   * was) and the template's on the same events (each prediction carries its answer).
   */
  static VersionGroups of(
      PromptVersion version,
      List<DemoObserver.Scored> predictions,
      Function<String, DemoObserver.Truth> truths,
      int bins) {
    VersionGroups groups = new VersionGroups(bins);
    List<String> baseClasses = version.getBaseClasses();
    for (DemoObserver.Scored s : predictions) {
      DemoObserver.Truth truth = truths.apply(s.eventId());
      if (s.promptVersion() != version.getVersion() || truth == null) {
        continue;
      }
      boolean isBase = baseClasses.contains(truth.trueClass());
      Tally tally = isBase ? groups.base : groups.fresh;
      tally.predicted(s.confidence(), s.zeroShotProbability());
      if (!truth.labelled()) {
        continue;
      }
      tally.labelled(s.confidence(), s.predictedClass().equals(truth.trueClass()));
      if (s.zeroShotClass() != null && s.zeroShotConfidence() != null) {
        (isBase ? groups.zeroShotBase : groups.zeroShotNew)
            .labelled(s.zeroShotConfidence(), s.zeroShotClass().equals(truth.trueClass()));
      }
    }
    return groups;
  }

  Tally base() {
    return base;
  }

  Tally fresh() {
    return fresh;
  }

  Tally zeroShot(boolean newClasses) {
    return newClasses ? zeroShotNew : zeroShotBase;
  }

  /** {@code {base: {...}, new: {...}}}, each with its {@code zero_shot} reference. */
  Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    for (boolean isNew : new boolean[] {false, true}) {
      Map<String, Object> group = (isNew ? fresh : base).fields(true);
      group.put("zero_shot", zeroShot(isNew).fields(false));
      f.put(isNew ? "new" : "base", group);
    }
    return f;
  }

  private static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
