package io.calmon.world;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * The images of a {@link WorldTask}: any image is addressed by (split, label, index) and generated
 * on its own from a seed derived from the task seed, so exports, tests and streams agree on it.
 * Task images share the task's style; every other attribute follows the world's config.
 */
public final class TaskImages {
  /** The splits of a task, with their seed stream. */
  public enum Split {
    TRAIN,
    VAL,
    TEST,
    TRAFFIC
  }

  private static final Background[] BACKGROUNDS = Background.values();

  private final WorldTask task;
  private final SceneSampler sampler;
  private final SceneRenderer renderer;

  public TaskImages(WorldTask task, WorldConfig config) {
    this.task = task;
    this.sampler = new SceneSampler(config);
    this.renderer = new SceneRenderer(config);
  }

  /** The scene of image {@code index} of class {@code label} in {@code split}. */
  public Scene scene(Split split, int label, long index) {
    WorldClass cls = task.classes().get(label);
    SplittableRandom rng =
        new SplittableRandom(Seeds.derive(task.seed(), split.ordinal(), label, index));
    Background bg = BACKGROUNDS[rng.nextInt(BACKGROUNDS.length)];
    return sampler.sample(rng, cls, task.style(), bg);
  }

  /** The rendered image of {@link #scene}. */
  public BufferedImage image(Split split, int label, long index) {
    return renderer.render(scene(split, label, index));
  }

  /** The renderer, for scenes the caller changed (drift). */
  SceneRenderer renderer() {
    return renderer;
  }

  /** The sampler, for scenes with another style or background (drift). */
  SceneSampler sampler() {
    return sampler;
  }

  /** The task these images belong to. */
  public WorldTask task() {
    return task;
  }
}
