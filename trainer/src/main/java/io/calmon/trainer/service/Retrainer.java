package io.calmon.trainer.service;

import io.calmon.clip.ClipModel;
import io.calmon.core.prompt.TextFeatureShift;
import io.calmon.schemas.PromptVersion;
import io.calmon.trainer.loop.CandidateChoice;
import io.calmon.trainer.loop.HeldOutSplit;
import io.calmon.trainer.loop.PublishGate;
import io.calmon.tuning.FewShotFeatures;
import io.calmon.tuning.PromptTuner;
import io.calmon.tuning.TuningConfig;
import io.calmon.tuning.TuningResult;
import io.calmon.tuning.outliers.ClassNameFilter;
import io.calmon.tuning.outliers.OutlierPool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One tuning run of the trainer service: tune on the few-shot features, refit the post-hoc
 * temperature on one half of the held-out base-class examples ({@link HeldOutSplit}), score the
 * serving version and the candidates on the other half over the full class set, and let {@link
 * CandidateChoice} decide: the retuned candidate if the {@link PublishGate} lets it, else the
 * serving context with a refitted temperature if that lowers the ECE, else nothing.
 */
final class Retrainer {

  /**
   * What to train on. {@code classSet} is what scorers serve (the temperature is fitted and the
   * candidates judged over it); {@code knownClasses} every class name the trainer knows, none of
   * which may be a DOR outlier. {@code val} may hold empty arrays; {@code heldOutFrom} says which
   * held-out examples {@code heldOut} holds (recorded in the version's hyper-parameters).
   */
  record Job(
      String triggerId,
      PromptVersion current,
      List<String> classSet,
      List<String> knownClasses,
      List<String> baseClasses,
      List<float[][]> train,
      List<float[][]> val,
      Map<String, List<float[]>> heldOut,
      String heldOutFrom,
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
    this.gate =
        new PublishGate(settings.maxAccuracyDrop(), settings.maxEceRise(), settings.minJudged());
  }

  Outcome run(Job job) {
    // The service refits the temperature on its held-out data below; the tuner's own fit would
    // use the (often empty) validation split.
    TuningConfig config =
        settings.tuningFor(job.current() == null).toBuilder().temperatureScaling(false).build();
    FewShotFeatures data = new FewShotFeatures(job.baseClasses(), job.train(), job.val());
    OutlierPool outliers =
        config.method().dor() ? outlierPool(job.baseClasses(), job.knownClasses(), config) : null;
    TuningResult result = tuner.run(data, config, outliers, settings.progress());

    HeldOutSplit heldOut = HeldOutSplit.of(job.heldOut());
    double temperature =
        settings.posthocTemperature()
            ? evaluator.fitTemperature(result.ctx(), config.nCtx(), job.classSet(), heldOut.fit())
            : 1.0;
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
        evaluator.evaluate(job.current(), job.classSet(), heldOut.judge());
    PublishGate.Evaluation candidateScore =
        evaluator.evaluate(withTemperature, job.classSet(), heldOut.judge());
    Map<String, String> hyper = new LinkedHashMap<>(tuned.getHyperParameters());
    hyper.put("shots", Integer.toString(settings.shots()));
    hyper.put("min_shots", Integer.toString(settings.minShots()));
    hyper.put("posthoc_temperature", settings.posthocTemperature() ? "heldout" : "none");
    hyper.put("heldout_from", job.heldOutFrom());
    Map<String, Double> tunedMetrics = new LinkedHashMap<>(tuned.getMetrics());
    tunedMetrics.put("train_examples", (double) data.trainSize());
    PromptVersion retuned =
        successor(
            job,
            withTemperature,
            withTextShift(tunedMetrics, withTemperature, job.classSet()),
            hyper,
            currentScore,
            candidateScore);
    if (!job.gated()) {
      return new Outcome(retuned, currentScore, candidateScore, Optional.empty());
    }

    PromptVersion recalibrated = recalibrated(job, heldOut, version);
    Optional<PublishGate.Evaluation> recalibratedScore =
        recalibrated == null
            ? Optional.empty()
            : Optional.of(evaluator.evaluate(recalibrated, job.classSet(), heldOut.judge()));
    CandidateChoice.Decision decision =
        CandidateChoice.choose(gate, currentScore, candidateScore, recalibratedScore);
    if (decision.kind() == CandidateChoice.Kind.RECALIBRATED) {
      Map<String, String> why = new LinkedHashMap<>(recalibrated.getHyperParameters());
      why.put("posthoc_temperature", "heldout-refit of version " + job.current().getVersion());
      why.put("heldout_from", job.heldOutFrom());
      why.put(
          "retuned_rejected",
          gate.judge(currentScore, candidateScore).orElse("retuned candidate not chosen"));
      PromptVersion published =
          successor(
              job,
              recalibrated,
              withTextShift(recalibrated.getMetrics(), recalibrated, job.classSet()),
              why,
              currentScore,
              recalibratedScore.get());
      return new Outcome(published, currentScore, recalibratedScore.get(), Optional.empty());
    }
    return new Outcome(retuned, currentScore, candidateScore, decision.reason());
  }

  /**
   * The served version with its temperature refitted on the held-out fit half: same context, same
   * base classes, the next version number. Null when nothing tuned is served (zero-shot has no
   * context to keep) or temperatures are not fitted.
   */
  private PromptVersion recalibrated(Job job, HeldOutSplit heldOut, long version) {
    PromptVersion current = job.current();
    if (!settings.posthocTemperature()
        || current == null
        || current.getContextVectors().isEmpty()) {
      return null;
    }
    float[] ctx = new float[current.getContextVectors().size()];
    for (int i = 0; i < ctx.length; i++) {
      ctx[i] = current.getContextVectors().get(i);
    }
    double temperature =
        evaluator.fitTemperature(ctx, current.getNCtx(), job.classSet(), heldOut.fit());
    return PromptVersion.newBuilder(current)
        .setVersion(version)
        .setTemperature(temperature)
        .build();
  }

  /**
   * {@code metrics} and how far {@code version} moves the text features of its base classes and of
   * the other served classes from the template's ({@link TextFeatureShift}), measured without an
   * image or a label: {@code text_<base|new>_divergence}, {@code ..._zero_shot_divergence}, {@code
   * ..._divergence_ratio} and {@code ..._deviation}. A group with no class is left out.
   */
  private Map<String, Double> withTextShift(
      Map<String, Double> metrics, PromptVersion version, List<String> served) {
    Map<String, Double> out = new LinkedHashMap<>(metrics);
    if (version.getContextVectors().isEmpty() || served.isEmpty()) {
      return out;
    }
    float[][] tuned = evaluator.textFeatures(version, served);
    float[][] zeroShot = evaluator.textFeatures(null, served);
    TextFeatureShift.Split split =
        TextFeatureShift.split(served, Set.copyOf(version.getBaseClasses()), tuned, zeroShot);
    putShift(out, "base", split.base());
    putShift(out, "new", split.fresh());
    return out;
  }

  private static void putShift(Map<String, Double> metrics, String group, TextFeatureShift shift) {
    if (shift == null) {
      return;
    }
    metrics.put("text_" + group + "_divergence", shift.divergence());
    metrics.put("text_" + group + "_zero_shot_divergence", shift.zeroShotDivergence());
    if (Double.isFinite(shift.divergenceRatio())) {
      metrics.put("text_" + group + "_divergence_ratio", shift.divergenceRatio());
    }
    metrics.put("text_" + group + "_deviation", shift.deviation());
  }

  /** {@code candidate} as the child of the served version, triggered by the job's request. */
  private static PromptVersion successor(
      Job job,
      PromptVersion candidate,
      Map<String, Double> baseMetrics,
      Map<String, String> hyper,
      PublishGate.Evaluation currentScore,
      PublishGate.Evaluation candidateScore) {
    Map<String, Double> metrics = new LinkedHashMap<>(baseMetrics);
    metrics.put("heldout_n", (double) candidateScore.n());
    metrics.put("heldout_current_acc", currentScore.accuracy());
    metrics.put("heldout_current_ece", currentScore.ece());
    metrics.put("heldout_candidate_acc", candidateScore.accuracy());
    metrics.put("heldout_candidate_ece", candidateScore.ece());
    return PromptVersion.newBuilder(candidate)
        .setParentVersion(job.current() == null ? null : job.current().getVersion())
        .setTriggerId(job.triggerId())
        .setCreatedAt(Instant.now())
        .setMetrics(metrics)
        .setHyperParameters(hyper)
        .build();
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
