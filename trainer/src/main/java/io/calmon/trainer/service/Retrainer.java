package io.calmon.trainer.service;

import io.calmon.clip.ClipModel;
import io.calmon.schemas.PromptVersion;
import io.calmon.trainer.loop.PublishGate;
import io.calmon.trainer.outliers.ClassNameFilter;
import io.calmon.trainer.outliers.OutlierPool;
import io.calmon.trainer.tuning.FewShotFeatures;
import io.calmon.trainer.tuning.PromptTuner;
import io.calmon.trainer.tuning.TuningConfig;
import io.calmon.trainer.tuning.TuningResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One tuning run of the trainer service: tune on the few-shot features, refit the post-hoc
 * temperature on the held-out base-class examples, score the serving version and the candidate on
 * the held-out examples over the full class set, and let the {@link PublishGate} decide.
 */
final class Retrainer {

  /** What to train on. {@code val} may hold empty arrays. */
  record Job(
      String triggerId,
      PromptVersion current,
      List<String> classSet,
      List<String> baseClasses,
      List<float[][]> train,
      List<float[][]> val,
      Map<String, List<float[]>> heldOut,
      boolean gated) {}

  /**
   * The outcome: a candidate ready to publish, or the reason it is not.
   *
   * @param rejection empty to publish
   */
  record Outcome(
      PromptVersion candidate,
      PublishGate.Evaluation currentScore,
      PublishGate.Evaluation candidateScore,
      Optional<String> rejection) {}

  private final ClipModel clip;
  private final TrainerSettings settings;
  private final PromptTuner tuner;
  private final PromptEvaluator evaluator;
  private final PublishGate gate;
  private OutlierPool pool;
  private List<String> poolKey;

  Retrainer(ClipModel clip, TrainerSettings settings) {
    this.clip = clip;
    this.settings = settings;
    this.tuner = new PromptTuner(clip, settings.backboneId());
    this.evaluator =
        new PromptEvaluator(clip, settings.tuning().template(), settings.tuning().bins());
    this.gate = new PublishGate(settings.maxAccuracyDrop(), settings.maxEceRise());
  }

  Outcome run(Job job) {
    // The service refits the temperature on its held-out data below; the tuner's own fit would
    // use the (often empty) validation split.
    TuningConfig config = settings.tuning().toBuilder().temperatureScaling(false).build();
    FewShotFeatures data = new FewShotFeatures(job.baseClasses(), job.train(), job.val());
    OutlierPool outliers =
        config.method().dor() ? outlierPool(job.baseClasses(), job.classSet(), config) : null;
    TuningResult result = tuner.run(data, config, outliers, settings.progress());

    double temperature =
        evaluator.fitTemperature(result.ctx(), config.nCtx(), job.baseClasses(), job.heldOut());
    long version = job.current() == null ? 1 : job.current().getVersion() + 1;
    PromptVersion tuned =
        result.toPromptVersion(
            settings.deployment(),
            version,
            settings.backboneId(),
            clip.weightsSha256().orElse("unknown"));
    PromptVersion withTemperature =
        PromptVersion.newBuilder(tuned).setTemperature(temperature).build();

    PublishGate.Evaluation currentScore =
        evaluator.evaluate(job.current(), job.classSet(), job.heldOut());
    PublishGate.Evaluation candidateScore =
        evaluator.evaluate(withTemperature, job.classSet(), job.heldOut());

    Map<String, Double> metrics = new LinkedHashMap<>(tuned.getMetrics());
    metrics.put("heldout_n", (double) candidateScore.n());
    metrics.put("heldout_current_acc", currentScore.accuracy());
    metrics.put("heldout_current_ece", currentScore.ece());
    metrics.put("heldout_candidate_acc", candidateScore.accuracy());
    metrics.put("heldout_candidate_ece", candidateScore.ece());
    metrics.put("train_examples", (double) data.trainSize());
    Map<String, String> hyper = new LinkedHashMap<>(tuned.getHyperParameters());
    hyper.put("shots", Integer.toString(settings.shots()));
    hyper.put("min_shots", Integer.toString(settings.minShots()));
    hyper.put("posthoc_temperature", "heldout");
    PromptVersion candidate =
        PromptVersion.newBuilder(withTemperature)
            .setParentVersion(job.current() == null ? null : job.current().getVersion())
            .setTriggerId(job.triggerId())
            .setCreatedAt(Instant.now())
            .setMetrics(metrics)
            .setHyperParameters(hyper)
            .build();

    Optional<String> rejection = Optional.empty();
    if (job.gated()) {
      rejection =
          candidateScore.n() == 0
              ? Optional.of("no held-out examples of the class set's classes yet")
              : gate.judge(currentScore, candidateScore);
    }
    return new Outcome(candidate, currentScore, candidateScore, rejection);
  }

  /** The DOR outlier pool for these classes, reused while the classes stay the same. */
  private OutlierPool outlierPool(
      List<String> baseClasses, List<String> allClasses, TuningConfig config) {
    List<String> key = new ArrayList<>(baseClasses);
    key.add("|");
    key.addAll(allClasses);
    if (pool == null || !key.equals(poolKey)) {
      pool =
          settings.outliers() != null
              ? OutlierPool.build(
                  clip,
                  OutlierPool.readWordList(settings.outliers()),
                  new ClassNameFilter(allClasses),
                  baseClasses,
                  config.template(),
                  config.nCtx(),
                  settings.outlierPoolSize())
              : OutlierPool.fromWordNet(
                  clip,
                  baseClasses,
                  allClasses,
                  config.template(),
                  config.nCtx(),
                  settings.outlierPoolSize());
      poolKey = key;
    }
    return pool;
  }
}
