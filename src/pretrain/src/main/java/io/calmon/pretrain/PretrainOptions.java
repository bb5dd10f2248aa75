package io.calmon.pretrain;

import io.calmon.clip.ClipConfig;
import io.calmon.world.WorldConfig;

/**
 * Settings of one pretraining run, validated once.
 *
 * @param seed seeds the pair pool, the initial weights and the batch order
 * @param steps optimiser steps, >= 1
 * @param batch pairs per step, >= 2 (every other pair in the batch is a negative)
 * @param pool pairs rendered once and reused, >= batch
 * @param preset the architecture
 * @param world the world the pairs are drawn from (its image size is the model's)
 * @param peakLearningRate AdamW rate after warm-up, > 0; cosine decay to 0 after it
 * @param warmupSteps linear warm-up, in [0, steps)
 * @param weightDecay AdamW decoupled decay of weight matrices, >= 0
 * @param logitScaleInit initial {@code ln(logit scale)}, at most {@link #MAX_LOGIT_SCALE}
 * @param group pairs that enter a batch together sharing style, background and colour (hard
 *     negatives, see {@link GroupedBatches}); 1 = uniform batches; must divide {@code batch}
 * @param textLayers text encoder depth; 0 = the preset's
 */
public record PretrainOptions(
    long seed,
    int steps,
    int batch,
    int pool,
    ModelPreset preset,
    WorldConfig world,
    float peakLearningRate,
    int warmupSteps,
    float weightDecay,
    float logitScaleInit,
    int group,
    int textLayers) {

  /** CLIP clamps the learned logit scale at 100. */
  public static final float MAX_LOGIT_SCALE = (float) Math.log(100);

  /** Pairs per hard-negative group by default. */
  public static final int DEFAULT_GROUP = 8;

  public PretrainOptions {
    check("steps", steps >= 1, steps);
    check("batch", batch >= 2, batch);
    check("pool", pool >= batch, pool + " (must be >= batch " + batch + ")");
    check("peakLearningRate", peakLearningRate > 0, peakLearningRate);
    check("warmupSteps", warmupSteps >= 0 && warmupSteps < steps, warmupSteps);
    check("weightDecay", weightDecay >= 0, weightDecay);
    check("logitScaleInit", logitScaleInit <= MAX_LOGIT_SCALE, logitScaleInit);
    check("group", group >= 1 && batch % group == 0, group + " (must divide batch " + batch + ")");
    check("textLayers", textLayers >= 0, textLayers);
    if (preset == null || world == null) {
      throw new IllegalArgumentException("preset and world are required");
    }
  }

  /**
   * The defaults for a preset and step count: batch 128, a pool of 40k pairs, peak rate 1e-3, a
   * tenth of the steps (at most 200) as warm-up, decay 0.1, CLIP's initial scale {@code 1/0.07},
   * hard-negative groups of {@link #DEFAULT_GROUP}.
   */
  public static PretrainOptions defaults(long seed, int steps, ModelPreset preset, WorldConfig w) {
    return new PretrainOptions(
        seed,
        steps,
        128,
        40_000,
        preset,
        w,
        1e-3f,
        Math.min(200, steps / 10),
        0.1f,
        (float) Math.log(1 / 0.07),
        DEFAULT_GROUP,
        0);
  }

  /** The architecture: the preset's, with {@link #textLayers()} text blocks if set. */
  public ClipConfig config(int vocabSize) {
    return textLayers == 0
        ? preset.config(world.imageSize(), vocabSize)
        : preset.config(world.imageSize(), vocabSize, textLayers);
  }

  private static void check(String key, boolean ok, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("pretraining " + key + " out of range: " + value);
    }
  }
}
