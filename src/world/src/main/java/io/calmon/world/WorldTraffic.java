package io.calmon.world;

import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A stream of labelled images for a task, as the demo's producer sends them: event {@code i} is
 * generated on its own from {@code (seed, i)} under a {@link TrafficDrift}. Pure Java: the demo
 * wires it to Kafka.
 */
public final class WorldTraffic {
  /**
   * One event.
   *
   * @param eventId unique per (seed, index): {@code world-<seed>-<index>}
   * @param png the image as PNG bytes
   * @param trueClass the class name, as in the task's class set
   * @param label the class label in the task
   * @param newClass whether the true class is a new (not tuned) class
   * @param scene what was drawn
   */
  public record Event(
      String eventId, byte[] png, String trueClass, int label, boolean newClass, Scene scene) {}

  private static final Background[] ALL_BACKGROUNDS = Background.values();

  private final WorldTask task;
  private final TaskImages images;
  private final long seed;
  private final TrafficDrift drift;

  public WorldTraffic(WorldTask task, WorldConfig config, long seed, TrafficDrift drift) {
    this.task = task;
    this.images = new TaskImages(task, config);
    this.seed = seed;
    this.drift = drift;
  }

  /** The same stream (task, config, seed) under another drift; event ids stay comparable. */
  public WorldTraffic withDrift(TrafficDrift next) {
    return new WorldTraffic(task, images.sampler().config(), seed, next);
  }

  /** Event {@code index}. */
  public Event event(long index) {
    SplittableRandom rng =
        new SplittableRandom(Seeds.derive(seed, TaskImages.Split.TRAFFIC.ordinal(), index));
    int label = sampleLabel(rng);
    List<Background> bgs = drift.backgrounds();
    Background bg =
        bgs.isEmpty()
            ? ALL_BACKGROUNDS[rng.nextInt(ALL_BACKGROUNDS.length)]
            : bgs.get(rng.nextInt(bgs.size()));
    Style style = drift.style().orElse(task.style());
    WorldClass cls = task.classes().get(label);
    Scene scene =
        images
            .sampler()
            .sample(rng, cls, style, bg)
            .degraded(drift.extraNoise(), drift.extraBlur());
    byte[] png = Images.toPng(images.renderer().render(scene));
    return new Event(
        "world-" + seed + "-" + index, png, cls.name(), label, !task.isBase(label), scene);
  }

  /** Events {@code from, from+1, ...} without end. */
  public Iterator<Event> iterator(long from) {
    return Endless.from(from, this::event);
  }

  private int sampleLabel(SplittableRandom rng) {
    int nBase = task.baseClasses().size();
    int nNew = task.newClasses().size();
    if (drift.newClassShare().isEmpty()) {
      return rng.nextInt(nBase + nNew);
    }
    boolean fresh = rng.nextDouble() < drift.newClassShare().get();
    return fresh ? nBase + rng.nextInt(nNew) : rng.nextInt(nBase);
  }

  /** The task the traffic belongs to. */
  public WorldTask task() {
    return task;
  }
}
