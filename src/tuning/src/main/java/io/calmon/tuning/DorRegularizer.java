package io.calmon.tuning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.calmon.clip.ClipModel;
import io.calmon.clip.nn.Tensors;
import io.calmon.clip.prompt.ContextPrompts;
import io.calmon.tuning.outliers.OutlierPool;
import java.util.Map;
import java.util.Random;

/**
 * Dynamic Outlier Regularization: {@code lambda * (1 - mean_b cos(f_tuned(o_b), f_zs(o_b)))} over B
 * outlier words drawn afresh (without replacement) from the pool every step. {@code f_zs} are the
 * pool's cached zero-shot features of the hand-written template; {@code f_tuned} use the learned
 * context, so they are recomputed every step.
 */
public final class DorRegularizer implements AutoCloseable {
  private final OutlierPool pool;
  private final ContextPrompts prompts;
  private final double lambda;
  private final int batch;
  private final Random rng;
  private final int[] order;

  /**
   * @param batch outliers per step B (the whole pool when B exceeds it)
   * @param rng draws the outliers; seeded by the run
   */
  public DorRegularizer(
      ClipModel clip, OutlierPool pool, int nCtx, double lambda, int batch, Random rng) {
    if (pool.size() == 0) {
      throw new IllegalArgumentException("DOR needs a non-empty outlier pool");
    }
    this.pool = pool;
    this.prompts = ContextPrompts.of(clip, pool.words(), nCtx);
    this.lambda = lambda;
    this.batch = Math.min(batch, pool.size());
    this.rng = rng;
    this.order = new int[pool.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
  }

  /** The next B outlier indices: a partial Fisher-Yates shuffle, so no repeats within a step. */
  int[] draw() {
    int[] out = new int[batch];
    for (int i = 0; i < batch; i++) {
      int j = i + rng.nextInt(order.length - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
      out[i] = order[i];
    }
    return out;
  }

  /** The weighted DOR term of a step (adds the unweighted {@code dor} to {@code terms}). */
  public NDArray loss(TuningStep step, Map<String, NDArray> terms) {
    return loss(step.ctx(), draw(), terms);
  }

  /** The weighted DOR term for given outlier rows (tests and finite differences). */
  NDArray loss(NDArray ctx, int[] rows, Map<String, NDArray> terms) {
    NDArray tuned = Losses.normalize(prompts.features(ctx, rows)); // [B, proj]
    float[][] zs = pool.zeroShotFeatures();
    int d = zs[0].length;
    float[] flat = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(zs[rows[i]], 0, flat, i * d, d);
    }
    NDArray anchor = ctx.getManager().create(flat, new Shape(rows.length, d));
    NDArray dor = Losses.oneMinusMeanCosine(tuned, anchor);
    terms.put("dor", dor);
    return Tensors.scale(dor, (float) lambda);
  }

  @Override
  public void close() {
    prompts.close();
  }
}
