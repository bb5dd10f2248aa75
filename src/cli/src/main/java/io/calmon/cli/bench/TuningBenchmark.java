package io.calmon.cli.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.calmon.clip.ClipModel;
import io.calmon.clip.nn.TextEncoder;
import io.calmon.tuning.ContextOptimizer;
import io.calmon.tuning.DorRegularizer;
import io.calmon.tuning.HostLoss;
import io.calmon.tuning.PromptLearner;
import io.calmon.tuning.PromptTuner;
import io.calmon.tuning.TuningConfig;
import io.calmon.tuning.TuningMethod;
import io.calmon.tuning.outliers.ClassNameFilter;
import io.calmon.tuning.outliers.OutlierPool;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What prompt tuning costs per step on CPU: a CoOp step against a CoOp+DOR step (DOR's overhead: B
 * outlier prompts more through the text encoder, forward and backward), and the text encoder's
 * forward+backward pass over the class prompts cut at the end-of-text token against the full
 * context. Both ratios come from the same run, with the two sides interleaved, so that a machine
 * whose load drifts affects both alike. Random weights; not a test.
 */
public final class TuningBenchmark {
  /**
   * Best-of seconds of each measurement (on a loaded machine the minimum is the least disturbed
   * figure); the ratios are what to compare across machines.
   */
  public record Figures(
      String model, double coopStep, double dorStep, double fullPass, double cutPass) {
    public double dorOverhead() {
      return dorStep / coopStep;
    }

    public double cutSpeedup() {
      return fullPass / cutPass;
    }
  }

  private static final String TEMPLATE = "a photo of a {}.";
  private static final int IMAGE_BATCH = 32;

  private final PrintWriter out;

  /** Prints progress to {@code out}. */
  public TuningBenchmark(PrintWriter out) {
    this.out = out;
  }

  /**
   * Measures one model.
   *
   * @param classes the base class names (the prompts CoOp tunes)
   * @param outlierWords candidate outliers; all that encode are kept in the pool
   * @param outlierBatch DOR's B
   * @param steps timed repetitions of each side (after one warm-up each)
   */
  public Figures measure(
      String label,
      ClipModel clip,
      List<String> classes,
      List<String> outlierWords,
      int outlierBatch,
      int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    TuningConfig config = TuningConfig.defaults(TuningMethod.parse("coop"));
    Random rng = new Random(1);
    OutlierPool pool =
        OutlierPool.build(
            clip,
            outlierWords,
            new ClassNameFilter(classes),
            classes,
            TEMPLATE,
            config.nCtx(),
            outlierWords.size());
    progress(
        "%s: %d classes, pool of %d outliers, B = %d",
        label, classes.size(), pool.size(), outlierBatch);
    int proj = clip.config().projectionDim();
    float[][] x = new float[IMAGE_BATCH][proj];
    int[] y = new int[IMAGE_BATCH];
    for (int i = 0; i < IMAGE_BATCH; i++) {
      for (int j = 0; j < proj; j++) {
        x[i][j] = (float) rng.nextGaussian();
      }
      x[i] = PromptLearner.flattenNormalized(new float[][] {x[i]});
      y[i] = i % classes.size();
    }
    float[] init = PromptLearner.initialContext(clip, config, rng);
    HostLoss host = config.method().hostLoss(config);
    double[] coop = new double[steps];
    double[] dor = new double[steps];
    try (PromptLearner learner = new PromptLearner(clip, classes, config.nCtx(), init, TEMPLATE);
        DorRegularizer reg =
            new DorRegularizer(clip, pool, config.nCtx(), 8.0, outlierBatch, rng)) {
      ContextOptimizer optimizer = ContextOptimizer.of(config, init.length);
      for (int i = -1; i < steps; i++) {
        long t0 = System.nanoTime();
        PromptTuner.step(learner, host, null, x, y, optimizer, 1e-6);
        long t1 = System.nanoTime();
        PromptTuner.step(learner, host, reg, x, y, optimizer, 1e-6);
        long t2 = System.nanoTime();
        if (i >= 0) {
          coop[i] = (t1 - t0) / 1e9;
          dor[i] = (t2 - t1) / 1e9;
          progress(
              "%s step %d/%d: coop %.3f s, coop+dor %.3f s", label, i + 1, steps, coop[i], dor[i]);
        }
      }
    }
    double[][] passes = textPasses(label, clip, classes, steps);
    Figures f = new Figures(label, best(coop), best(dor), best(passes[0]), best(passes[1]));
    progress(
        "%s: DOR overhead %.2fx, end-of-text cut speed-up %.2fx",
        label, f.dorOverhead(), f.cutSpeedup());
    return f;
  }

  /** Forward+backward of the class prompts' embeddings: [0] full context, [1] cut. */
  private double[][] textPasses(String label, ClipModel clip, List<String> classes, int steps) {
    TextEncoder text = clip.textEncoder();
    long[][] rows =
        clip.tokenizer()
            .orElseThrow(() -> new IllegalArgumentException("the model has no tokenizer"))
            .encode(classes.stream().map(c -> TEMPLATE.replace("{}", c)).toList());
    double[][] seconds = new double[2][steps];
    try (NDManager m = clip.manager().newSubManager()) {
      NDArray ids = m.create(rows);
      int[] eot = TextEncoder.endOfTextPositions(ids);
      NDArray embedded = text.embedTokens(ids);
      for (int i = -1; i < steps; i++) {
        for (int cut = 0; cut < 2; cut++) {
          double s = pass(text, embedded, eot, cut == 1);
          if (i >= 0) {
            seconds[cut][i] = s;
          }
        }
        if (i >= 0) {
          progress(
              "%s pass %d/%d: full context %.3f s, cut at end-of-text (%d of %d tokens) %.3f s",
              label,
              i + 1,
              steps,
              seconds[0][i],
              Arrays.stream(eot).max().orElse(0) + 1,
              rows[0].length,
              seconds[1][i]);
        }
      }
    }
    return seconds;
  }

  private static double pass(TextEncoder text, NDArray embedded, int[] eot, boolean cut) {
    try (NDManager step = embedded.getManager().newSubManager()) {
      NDArray leaf = embedded.duplicate();
      leaf.attach(step);
      leaf.setRequiresGradient(true);
      long t0 = System.nanoTime();
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(text.encodeEmbeddings(leaf, eot, cut).sum());
      }
      leaf.getGradient().toFloatArray();
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  /** A Markdown table of {@code figures}. */
  public static String markdown(List<Figures> figures) {
    StringBuilder md =
        new StringBuilder(
            "| text encoder | coop step (s) | coop+dor step (s) | DOR overhead |"
                + " full-context pass (s) | cut pass (s) | cut speed-up |\n"
                + "|---|---|---|---|---|---|---|\n");
    for (Figures f : figures) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.3f | %.3f | %.2fx | %.3f | %.3f | %.2fx |%n",
              f.model(),
              f.coopStep(),
              f.dorStep(),
              f.dorOverhead(),
              f.fullPass(),
              f.cutPass(),
              f.cutSpeedup()));
    }
    return md.toString();
  }

  private void progress(String format, Object... args) {
    out.printf(Locale.ROOT, "bench tuning: " + format + "%n", args);
    out.flush();
  }

  private static double best(double[] v) {
    return Arrays.stream(v).min().orElseThrow();
  }
}
