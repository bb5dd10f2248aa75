package io.calmon.tuning.eval;

import io.calmon.clip.ClipModel;
import io.calmon.clip.prompt.ContextPrompts;
import io.calmon.core.calibration.ConfidenceLift;
import io.calmon.core.calibration.TopLabelRows;
import io.calmon.core.prompt.TextFeatureShift;
import io.calmon.tuning.FewShotFeatures;
import io.calmon.tuning.PromptTuner;
import io.calmon.tuning.TuningConfig;
import io.calmon.tuning.TuningMethod;
import io.calmon.tuning.TuningProgress;
import io.calmon.tuning.TuningResult;
import io.calmon.tuning.data.DatasetException;
import io.calmon.tuning.data.FeatureCache;
import io.calmon.tuning.data.FewShotSampler;
import io.calmon.tuning.data.ImageDataset;
import io.calmon.tuning.data.ImageDataset.Item;
import io.calmon.tuning.outliers.ClassNameFilter;
import io.calmon.tuning.outliers.OutlierPool;
import io.calmon.tuning.outliers.WordNetNouns;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's base-to-new protocol: the first ceil(n/2) sorted labels are base; each method is
 * tuned on S shots per base class (per seed) and evaluated on the base classes' test images with
 * base names only and on the new classes' test images with new names only. Image features are
 * computed once for the whole run.
 */
public final class Base2NewEvaluation {

  /** Metrics of one method and seed, as fractions. */
  public record SeedResult(
      long seed,
      double baseAcc,
      double newAcc,
      double h,
      double baseEce,
      double newEce,
      double baseAce,
      double newAce,
      double baseMce,
      double newMce) {

    static SeedResult of(long seed, ClassifierMetrics b, ClassifierMetrics n) {
      double h = 2 * b.accuracy() * n.accuracy() / (b.accuracy() + n.accuracy());
      return new SeedResult(
          seed,
          b.accuracy(),
          n.accuracy(),
          h,
          b.ece(),
          n.ece(),
          b.ace(),
          n.ace(),
          b.mce(),
          n.mce());
    }

    static SeedResult mean(List<SeedResult> rs) {
      double[] s = new double[9];
      for (SeedResult r : rs) {
        double[] v = r.values();
        for (int i = 0; i < 9; i++) {
          s[i] += v[i] / rs.size();
        }
      }
      return ofValues(-1, s);
    }

    /**
     * The sample standard deviation (n - 1 in the denominator) of each figure over {@code rs}, with
     * seed -1; 0 everywhere for fewer than two seeds, NaN for a figure that is NaN in any seed.
     */
    static SeedResult std(List<SeedResult> rs) {
      double[] sd = new double[9];
      int n = rs.size();
      if (n >= 2) {
        double[] mean = mean(rs).values();
        for (SeedResult r : rs) {
          double[] v = r.values();
          for (int i = 0; i < 9; i++) {
            double d = v[i] - mean[i];
            sd[i] += d * d;
          }
        }
        for (int i = 0; i < 9; i++) {
          sd[i] = Math.sqrt(sd[i] / (n - 1));
        }
      }
      return ofValues(-1, sd);
    }

    /** The nine figures in declaration order, without the seed. */
    private double[] values() {
      return new double[] {baseAcc, newAcc, h, baseEce, newEce, baseAce, newAce, baseMce, newMce};
    }

    private static SeedResult ofValues(long seed, double[] v) {
      return new SeedResult(seed, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    }
  }

  /**
   * One method: its mean over seeds, each seed, and every seed's test predictions pooled (seed
   * order) for reliability diagrams.
   *
   * @param baseRows top-label rows of the base classes' test images, all seeds
   * @param newRows top-label rows of the new classes' test images, all seeds
   */
  public record MethodResult(
      String method,
      SeedResult mean,
      List<SeedResult> seeds,
      TopLabelRows baseRows,
      TopLabelRows newRows,
      List<SeedShift> shifts,
      List<SeedLift> lifts) {

    /** Without text feature shifts or confidence lifts (none measured). */
    public MethodResult(
        String method,
        SeedResult mean,
        List<SeedResult> seeds,
        TopLabelRows baseRows,
        TopLabelRows newRows) {
      this(method, mean, seeds, baseRows, newRows, List.of(), List.of());
    }

    /** The sample standard deviation over seeds of every figure; see {@link SeedResult#std}. */
    public SeedResult std() {
      return SeedResult.std(seeds);
    }
  }

  /**
   * How one seed's prompt moved the text features of the base and of the new class names from their
   * zero-shot features ({@link TextFeatureShift}): measured without an image or a label.
   */
  public record SeedShift(long seed, TextFeatureShift base, TextFeatureShift fresh) {}

  /**
   * How much more confident one seed's prompt is than the template on the test images of the base
   * and of the new classes ({@link ConfidenceLift}): measured without a label.
   */
  public record SeedLift(long seed, ConfidenceLift base, ConfidenceLift fresh) {}

  /**
   * What to run.
   *
   * @param outlierCandidates candidate outlier words, or null for WordNet nouns
   * @param poolSize K
   */
  public record Plan(
      List<TuningMethod> methods,
      TuningConfig config,
      List<Long> seeds,
      int shots,
      List<String> outlierCandidates,
      int poolSize) {}

  private final ClipModel clip;
  private final PrintWriter log;

  public Base2NewEvaluation(ClipModel clip, PrintWriter log) {
    this.clip = clip;
    this.log = log;
  }

  /** Runs every method and seed of {@code plan} on {@code data}. */
  public List<MethodResult> run(ImageDataset data, Plan plan) {
    int nBase = data.baseCount();
    int n = data.classNames().size();
    if (nBase == n) {
      throw new DatasetException("base-to-new needs at least 2 classes, got " + n);
    }
    List<String> base = data.classNames().subList(0, nBase);
    List<String> fresh = data.classNames().subList(nBase, n);
    FeatureCache cache = new FeatureCache(clip);
    List<Item> baseTest = data.test().stream().filter(i -> i.label() < nBase).toList();
    List<Item> newTest = data.test().stream().filter(i -> i.label() >= nBase).toList();
    float[][] baseX = cache.of(baseTest);
    float[][] newX = cache.of(newTest);
    int[] baseY = baseTest.stream().mapToInt(Item::label).toArray();
    int[] newY = newTest.stream().mapToInt(i -> i.label() - nBase).toArray();
    log.printf(
        "%d base + %d new classes; %d + %d test images%n",
        nBase, n - nBase, baseX.length, newX.length);

    OutlierPool pool = null;
    if (plan.methods().stream().anyMatch(TuningMethod::dor)) {
      TuningConfig c = plan.config();
      pool =
          plan.outlierCandidates() == null
              ? OutlierPool.fromWordNet(
                  clip, base, data.classNames(), c.template(), c.nCtx(), plan.poolSize())
              : OutlierPool.build(
                  clip,
                  plan.outlierCandidates(),
                  wordNetFilter(data.classNames()),
                  base,
                  c.template(),
                  c.nCtx(),
                  plan.poolSize());
      log.printf("outlier pool: %s%n", pool.stats());
    }
    float[][] zeroShotBase = zeroShotText(base, plan.config());
    float[][] zeroShotNew = zeroShotText(fresh, plan.config());
    double zeroShotScale = Math.exp(clip.logitScale());
    double[][] zeroShotBaseLogits = ClassifierMetrics.logits(baseX, zeroShotBase, zeroShotScale, 1);
    double[][] zeroShotNewLogits = ClassifierMetrics.logits(newX, zeroShotNew, zeroShotScale, 1);
    PromptTuner tuner = new PromptTuner(clip, "eval");
    List<MethodResult> results = new ArrayList<>();
    for (TuningMethod method : plan.methods()) {
      List<SeedResult> seeds = new ArrayList<>();
      List<SeedShift> shifts = new ArrayList<>();
      List<SeedLift> lifts = new ArrayList<>();
      List<TopLabelRows> baseRows = new ArrayList<>();
      List<TopLabelRows> newRows = new ArrayList<>();
      for (long seed : plan.seeds()) {
        FewShotSampler.Shots shots = FewShotSampler.draw(data, plan.shots(), seed);
        List<float[][]> train = new ArrayList<>();
        List<float[][]> val = new ArrayList<>();
        for (List<Item> items : shots.train()) {
          train.add(cache.of(items));
        }
        for (List<Item> items : shots.val()) {
          val.add(cache.of(items));
        }
        TuningConfig config = plan.config().withMethod(method).withSeed(seed);
        TuningResult r =
            tuner.run(
                new FewShotFeatures(base, train, val),
                config,
                pool,
                TuningProgress.printingTo(log, method + " seed " + seed));
        float[][] baseText = text(base, zeroShotBase, r, config);
        float[][] newText = text(fresh, zeroShotNew, r, config);
        double scale = Math.exp(clip.logitScale());
        double[][] baseLogits = ClassifierMetrics.logits(baseX, baseText, scale, r.temperature());
        double[][] newLogits = ClassifierMetrics.logits(newX, newText, scale, r.temperature());
        TopLabelRows bRows = ClassifierMetrics.rows(baseLogits, baseY);
        TopLabelRows nRows = ClassifierMetrics.rows(newLogits, newY);
        SeedLift lift =
            new SeedLift(
                seed,
                ClassifierMetrics.lift(baseLogits, zeroShotBaseLogits),
                ClassifierMetrics.lift(newLogits, zeroShotNewLogits));
        lifts.add(lift);
        baseRows.add(bRows);
        newRows.add(nRows);
        ClassifierMetrics b = ClassifierMetrics.of(bRows, config.bins());
        ClassifierMetrics nw = ClassifierMetrics.of(nRows, config.bins());
        SeedResult s = SeedResult.of(seed, b, nw);
        SeedShift shift =
            new SeedShift(
                seed,
                TextFeatureShift.of(baseText, zeroShotBase),
                TextFeatureShift.of(newText, zeroShotNew));
        shifts.add(shift);
        log.printf(
            "%s seed %d: base acc %.2f new acc %.2f H %.2f base ECE %.2f new ECE %.2f"
                + " base conf %.2f new conf %.2f (few-shot train set: acc %.2f ECE %.2f)%n",
            method,
            seed,
            100 * s.baseAcc(),
            100 * s.newAcc(),
            100 * s.h(),
            100 * s.baseEce(),
            100 * s.newEce(),
            100 * bRows.meanConfidence(),
            100 * nRows.meanConfidence(),
            100 * r.metrics().getOrDefault("train_acc", Double.NaN),
            100 * r.metrics().getOrDefault("train_ece", Double.NaN));
        log.printf(
            "%s seed %d: text features, base divergence %.4f (zero-shot %.4f, ratio %.3f)"
                + " deviation %.4f separation ratio %.3f; new divergence %.4f (zero-shot %.4f,"
                + " ratio %.3f) deviation %.4f separation ratio %.3f; confidence lift over zero-shot,"
                + " base %.4f, new %.4f%n",
            method,
            seed,
            shift.base().divergence(),
            shift.base().zeroShotDivergence(),
            shift.base().divergenceRatio(),
            shift.base().deviation(),
            shift.base().separationRatio(),
            shift.fresh().divergence(),
            shift.fresh().zeroShotDivergence(),
            shift.fresh().divergenceRatio(),
            shift.fresh().deviation(),
            shift.fresh().separationRatio(),
            lift.base().lift(),
            lift.fresh().lift());
        log.flush();
        seeds.add(s);
      }
      results.add(
          new MethodResult(
              method.name(),
              SeedResult.mean(seeds),
              seeds,
              pooled(baseRows),
              pooled(newRows),
              shifts,
              lifts));
    }
    return results;
  }

  /** Normalised text features of {@code names} with the hand-written template. */
  private float[][] zeroShotText(List<String> names, TuningConfig config) {
    return normalised(clip.textFeatures(names.stream().map(config::prompt).toList()));
  }

  /**
   * Normalised text features of {@code names}: {@code zeroShot} (theirs with the template) for
   * zero-shot, else the tuned context's.
   */
  private float[][] text(
      List<String> names, float[][] zeroShot, TuningResult r, TuningConfig config) {
    if (!config.method().tunes()) {
      return zeroShot;
    }
    try (ContextPrompts p = ContextPrompts.of(clip, names, config.nCtx())) {
      return normalised(p.features(r.ctx()));
    }
  }

  private static float[][] normalised(float[][] f) {
    for (float[] row : f) {
      double s = 0;
      for (float v : row) {
        s += (double) v * v;
      }
      float inv = (float) (1 / Math.sqrt(s));
      for (int j = 0; j < row.length; j++) {
        row[j] *= inv;
      }
    }
    return f;
  }

  /** The rows of every part, one after another. */
  static TopLabelRows pooled(List<TopLabelRows> parts) {
    int n = parts.stream().mapToInt(TopLabelRows::size).sum();
    double[] conf = new double[n];
    boolean[] correct = new boolean[n];
    int at = 0;
    for (TopLabelRows p : parts) {
      for (int i = 0; i < p.size(); i++, at++) {
        conf[at] = p.confidence(i);
        correct[at] = p.correct(i);
      }
    }
    return new TopLabelRows(conf, correct);
  }

  private static ClassNameFilter wordNetFilter(List<String> classes) {
    try (WordNetNouns w = WordNetNouns.open()) {
      return w.filter(classes);
    }
  }
}
