package io.calmon.tuning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.calmon.clip.ClipModel;
import io.calmon.clip.prompt.ContextPrompts;
import java.util.List;
import java.util.Random;

/**
 * CoOp's prompt learner: M context vectors {@code ctx} shared by every class, spliced into {@code
 * [SOS][V1..VM] name.[EOS]}. Only {@code ctx} is learned and saved; CLIP stays frozen. Also holds
 * the frozen zero-shot features of the hand-written template for the same classes (KgCoOp's
 * anchor), computed once.
 */
public final class PromptLearner implements AutoCloseable {
  private final ClipModel clip;
  private final ContextPrompts prompts;
  private final float[] ctx;
  private final float[] zeroShot; // [classes * proj], normalised rows
  private final int proj;
  private final float scale;

  /**
   * A learner for {@code classNames} starting from {@code initialCtx} ({@code nCtx * width}).
   *
   * @param template the hand-written template of the zero-shot features, with {@code {}}
   */
  public PromptLearner(
      ClipModel clip, List<String> classNames, int nCtx, float[] initialCtx, String template) {
    this.clip = clip;
    this.prompts = ContextPrompts.of(clip, classNames, nCtx);
    if (initialCtx.length != nCtx * prompts.width()) {
      prompts.close();
      throw new IllegalArgumentException(
          "context has " + initialCtx.length + " values, expected " + nCtx * prompts.width());
    }
    this.ctx = initialCtx.clone();
    float[][] zs =
        clip.textFeatures(classNames.stream().map(n -> template.replace("{}", n)).toList());
    this.proj = zs[0].length;
    this.zeroShot = flattenNormalized(zs);
    this.scale = (float) Math.exp(clip.logitScale());
  }

  /**
   * The initial context {@code config} asks for: the token embeddings of its words, or N(0, std)
   * drawn from {@code rng}.
   */
  public static float[] initialContext(ClipModel clip, TuningConfig config, Random rng) {
    if (config.ctxInit() != null) {
      return ContextPrompts.initialContext(clip, config.ctxInit(), config.nCtx());
    }
    float[] out = new float[config.nCtx() * clip.config().text().hiddenSize()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (rng.nextGaussian() * config.ctxInitStd());
    }
    return out;
  }

  /** The live context vectors, {@code nCtx x width} row-major; the optimiser updates them. */
  public float[] ctx() {
    return ctx;
  }

  public int nCtx() {
    return prompts.nCtx();
  }

  public int width() {
    return prompts.width();
  }

  public int classes() {
    return prompts.names().size();
  }

  /** {@code exp(logit_scale)} of the frozen model. */
  public float logitScale() {
    return scale;
  }

  public ClipModel clip() {
    return clip;
  }

  /** The context as a fresh leaf array in {@code m} with a gradient (zero at creation). */
  NDArray ctxArray(NDManager m) {
    NDArray a = m.create(ctx, new Shape(nCtx(), width()));
    a.setRequiresGradient(true);
    return a;
  }

  /** Normalised tuned class features {@code [classes, proj]} with {@code ctx} spliced in. */
  public NDArray classFeatures(NDArray ctxArray) {
    return Losses.normalize(prompts.features(ctxArray));
  }

  /** Normalised zero-shot class features {@code [classes, proj]}, constant, in {@code m}. */
  public NDArray zeroShotClassFeatures(NDManager m) {
    return m.create(zeroShot, new Shape(classes(), proj));
  }

  /** Normalised tuned class features of the current context, as plain rows. */
  public float[][] currentClassFeatures() {
    try (NDManager m = clip.manager().newSubManager()) {
      NDArray f = classFeatures(m.create(ctx, new Shape(nCtx(), width())));
      return rows(f.toFloatArray(), classes());
    }
  }

  public static float[] flattenNormalized(float[][] rows) {
    int d = rows[0].length;
    float[] out = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      double n = 0;
      for (float v : rows[i]) {
        n += (double) v * v;
      }
      float inv = (float) (1.0 / Math.sqrt(n));
      for (int j = 0; j < d; j++) {
        out[i * d + j] = rows[i][j] * inv;
      }
    }
    return out;
  }

  static float[][] rows(float[] flat, int n) {
    int d = flat.length / n;
    float[][] out = new float[n][d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * d, out[i], 0, d);
    }
    return out;
  }

  @Override
  public void close() {
    prompts.close();
  }
}
