package io.calmon.tuning;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.calmon.clip.ClipModel;
import io.calmon.schemas.PromptVersion;
import io.calmon.tuning.eval.ClassifierMetrics;
import io.calmon.tuning.outliers.OutlierPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Prompt tuning on cached image features: the image encoder is frozen and never runs here, only the
 * text encoder (forward and backward) for the base-class prompts and, with DOR, a batch of outlier
 * prompts per step.
 *
 * <pre>{@code
 * PromptTuner tuner = new PromptTuner(clip, "openai/clip-vit-base-patch16");
 * OutlierPool pool = OutlierPool.fromWordNet(clip, base, allClasses, config.template(), 4, 5000);
 * PromptVersion v = tuner.tune(new FewShotFeatures(base, train, val), config, pool);
 * }</pre>
 *
 * <p>Steps of every tuner in the JVM run one at a time (DJL allows one gradient collector at a
 * time); the context lives in plain arrays and is updated outside the collector. Runs with the same
 * config, seed and inputs give the same context.
 */
public final class PromptTuner {
  /** DJL permits one open GradientCollector per JVM. */
  private static final Object STEP_LOCK = new Object();

  private final ClipModel clip;
  private final String backboneId;

  public PromptTuner(ClipModel clip, String backboneId) {
    this.clip = clip;
    this.backboneId = backboneId;
  }

  /**
   * Tunes and returns the serving record (version 1 of deployment {@code "default"}; the service
   * sets its own).
   *
   * @param pool the outlier pool, required by methods with DOR, ignored otherwise
   */
  public PromptVersion tune(FewShotFeatures data, TuningConfig config, OutlierPool pool) {
    TuningResult r = run(data, config, pool, TuningProgress.NONE);
    return r.toPromptVersion("default", 1, backboneId, clip.weightsSha256().orElse("unknown"));
  }

  /** Tunes, reporting each epoch to {@code progress}. */
  public TuningResult run(
      FewShotFeatures data, TuningConfig config, OutlierPool pool, TuningProgress progress) {
    TuningMethod method = config.method();
    if (method.dor() && pool == null) {
      throw new IllegalArgumentException(method + " needs an outlier pool");
    }
    if (method.dor() && !pool.template().equals(config.template())) {
      throw new IllegalArgumentException(
          "the outlier pool's template '"
              + pool.template()
              + "' differs from the run's '"
              + config.template()
              + "'");
    }
    Random rng = new Random(config.seed());
    float[] init = PromptLearner.initialContext(clip, config, rng);
    List<Double> history = new ArrayList<>();
    Map<String, Double> metrics = new LinkedHashMap<>();
    try (PromptLearner learner =
            new PromptLearner(clip, data.classNames(), config.nCtx(), init, config.template());
        DorRegularizer dor =
            method.dor()
                ? new DorRegularizer(
                    clip,
                    pool,
                    config.nCtx(),
                    config.effectiveLambda(),
                    config.effectiveOutlierBatch(data.classNames().size()),
                    rng)
                : null) {
      if (method.tunes()) {
        train(learner, method.hostLoss(config), dor, data, config, rng, progress, history);
        metrics.put("train_loss", history.isEmpty() ? Double.NaN : history.get(history.size() - 1));
      }
      float[][] text =
          method.tunes()
              ? learner.currentClassFeatures()
              : PromptLearner.rows(
                  learner.zeroShotClassFeatures(clip.manager()).toFloatArray(), learner.classes());
      // How well the context fits its own few shots: CoOp's mechanism (overfitting them) shows
      // here, e.g. whether tuning drives training accuracy to 100%.
      Labelled train = Labelled.of(data.train());
      if (train.features.length > 0) {
        ClassifierMetrics t =
            ClassifierMetrics.of(
                ClassifierMetrics.logits(train.features, text, learner.logitScale(), 1.0),
                train.labels,
                config.bins());
        metrics.put("train_acc", t.accuracy());
        metrics.put("train_ece", t.ece());
      }
      double temperature = 1.0;
      Labelled val = Labelled.of(data.val());
      if (val.features.length > 0) {
        double[][] logits = ClassifierMetrics.logits(val.features, text, learner.logitScale(), 1.0);
        ClassifierMetrics m = ClassifierMetrics.of(logits, val.labels, config.bins());
        metrics.put("val_base_acc", m.accuracy());
        metrics.put("val_base_ece", m.ece());
        if (config.temperatureScaling()) {
          temperature = TemperatureScaling.fit(logits, val.labels);
          ClassifierMetrics t =
              ClassifierMetrics.of(
                  ClassifierMetrics.logits(val.features, text, learner.logitScale(), temperature),
                  val.labels,
                  config.bins());
          metrics.put("val_base_ece_scaled", t.ece());
        }
      }
      return new TuningResult(
          config,
          data.classNames(),
          learner.ctx().clone(),
          learner.width(),
          temperature,
          metrics,
          history);
    }
  }

  private void train(
      PromptLearner learner,
      HostLoss host,
      DorRegularizer dor,
      FewShotFeatures data,
      TuningConfig config,
      Random rng,
      TuningProgress progress,
      List<Double> history) {
    Labelled train = Labelled.of(data.train());
    int n = train.features.length;
    if (n == 0) {
      throw new IllegalArgumentException("no training images");
    }
    float[][] normalized = new float[n][];
    for (int i = 0; i < n; i++) {
      normalized[i] = PromptLearner.flattenNormalized(new float[][] {train.features[i]});
    }
    ContextOptimizer optimizer = ContextOptimizer.of(config, learner.ctx().length);
    LearningRateSchedule schedule = config.schedule();
    int batch = Math.min(config.batchSize(), n);
    // Dassl drops the last incomplete batch of a training epoch.
    int steps = n / batch;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    long start = System.nanoTime();
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      double lr = schedule.at(epoch);
      shuffle(order, rng);
      Map<String, Double> sums = new LinkedHashMap<>();
      for (int s = 0; s < steps; s++) {
        float[][] x = new float[batch][];
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) {
          x[i] = normalized[order[s * batch + i]];
          y[i] = train.labels[order[s * batch + i]];
        }
        Map<String, Double> terms = step(learner, host, dor, x, y, optimizer, lr);
        terms.forEach((k, v) -> sums.merge(k, v, Double::sum));
      }
      Map<String, Double> means = new LinkedHashMap<>();
      sums.forEach((k, v) -> means.put(k, v / steps));
      history.add(means.get("total"));
      progress.epoch(
          epoch + 1, config.epochs(), lr, means, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /** One step: loss, gradient of the context, update. Returns the loss terms. */
  public static Map<String, Double> step(
      PromptLearner learner,
      HostLoss host,
      DorRegularizer dor,
      float[][] x,
      int[] y,
      ContextOptimizer optimizer,
      double lr) {
    Map<String, Double> values = new LinkedHashMap<>();
    float[] grad;
    synchronized (STEP_LOCK) {
      try (NDManager m = learner.clip().manager().newSubManager()) {
        // A fresh leaf each step: its gradient starts at zero, nothing accumulates across steps.
        TuningStep step = new TuningStep(m, learner, x, y);
        Map<String, NDArray> terms = new LinkedHashMap<>();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray total = host.loss(step, terms);
          if (dor != null) {
            total = total.add(dor.loss(step, terms));
          }
          terms.put("total", total);
          gc.backward(total);
        }
        grad = step.ctx().getGradient().toFloatArray();
        values.put("total", (double) terms.get("total").getFloat());
        terms.forEach((k, v) -> values.putIfAbsent(k, (double) v.getFloat()));
      }
    }
    optimizer.step(learner.ctx(), grad, lr);
    return values;
  }

  private static void shuffle(int[] a, Random rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** Per-class feature lists flattened to rows and labels. */
  record Labelled(float[][] features, int[] labels) {
    static Labelled of(List<float[][]> perClass) {
      int n = perClass.stream().mapToInt(a -> a.length).sum();
      float[][] f = new float[n][];
      int[] y = new int[n];
      int i = 0;
      for (int c = 0; c < perClass.size(); c++) {
        for (float[] row : perClass.get(c)) {
          f[i] = row;
          y[i++] = c;
        }
      }
      return new Labelled(f, y);
    }
  }
}
