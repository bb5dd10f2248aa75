package io.calmon.world;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Samples a {@link Scene} for a given class, style and background: the nuisances (size, position,
 * rotation, count, texture, clutter, occluder, noise, colour jitter) come from the {@link
 * WorldConfig}.
 */
public final class SceneSampler {
  private static final Clutter[] CLUTTER = Clutter.values();
  private static final Occluder[] OCCLUDERS = Occluder.values();
  private static final Position[] POSITIONS = Position.values();
  private static final Texture[] TEXTURES = Texture.values();

  private final WorldConfig config;

  public SceneSampler(WorldConfig config) {
    this.config = config;
  }

  /** The config the nuisances come from. */
  public WorldConfig config() {
    return config;
  }

  /** Samples a scene of {@code cls} drawn in {@code style} on {@code background}. */
  public Scene sample(SplittableRandom rng, WorldClass cls, Style style, Background background) {
    int side = config.imageSize();
    int count = 1;
    if (config.maxCount() > 1 && rng.nextDouble() < config.multiObjectProbability()) {
      count = 2 + rng.nextInt(config.maxCount() - 1);
    }
    ObjectSize size = sampleSize(rng, count);
    if (count > 1 && size.compareTo(ObjectSize.SMALL) > 0) {
      count = 1; // several large objects do not fit in the frame
    }
    Texture texture = Texture.SOLID;
    if (rng.nextDouble() < config.texturedProbability()) {
      texture = TEXTURES[1 + rng.nextInt(TEXTURES.length - 1)];
    }
    int rgb = jitter(rng, cls.colour().color());

    List<SceneObject> objects = new ArrayList<>();
    Optional<Position> position = Optional.empty();
    if (count == 1) {
      Position p = POSITIONS[rng.nextInt(POSITIONS.length)];
      position = Optional.of(p);
      double r = radius(rng, size, side);
      double cx = clamp((p.x() + uniform(rng, -0.05, 0.05)) * side, r * 0.9, side - r * 0.9);
      double cy = clamp((p.y() + uniform(rng, -0.05, 0.05)) * side, r * 0.9, side - r * 0.9);
      objects.add(object(rng, cls, texture, size, cx, cy, r, rgb));
    } else {
      for (int i = 0; i < count; i++) {
        double r = radius(rng, size, side);
        double[] c = freeSpot(rng, side, r, objects, 1.9);
        objects.add(object(rng, cls, texture, size, c[0], c[1], r, rgb));
      }
    }

    List<ClutterItem> clutter = new ArrayList<>();
    if (config.maxClutter() > 0 && rng.nextDouble() < config.clutterProbability()) {
      int k = 1 + rng.nextInt(config.maxClutter());
      List<Clutter> kinds = new ArrayList<>(List.of(CLUTTER));
      for (int i = 0; i < k; i++) {
        Clutter kind = kinds.remove(rng.nextInt(kinds.size()));
        double r = uniform(rng, 0.08, 0.13) * side;
        double[] c = freeSpot(rng, side, r, objects, 1.2);
        clutter.add(new ClutterItem(kind, c[0], c[1], r, uniform(rng, -20, 20)));
      }
    }

    Optional<Occluder> occluder = Optional.empty();
    if (rng.nextDouble() < config.occluderProbability()) {
      occluder = Optional.of(OCCLUDERS[rng.nextInt(OCCLUDERS.length)]);
    }

    boolean noisy = rng.nextDouble() < config.noisyProbability();
    double noise =
        noisy
            ? config.heavyNoise() * uniform(rng, 0.7, 1.0)
            : config.lightNoise() * rng.nextDouble();
    return new Scene(
        side,
        style,
        background,
        objects,
        position,
        clutter,
        occluder,
        noise,
        noisy,
        0.0,
        rng.nextLong());
  }

  private SceneObject object(
      SplittableRandom rng,
      WorldClass cls,
      Texture texture,
      ObjectSize size,
      double cx,
      double cy,
      double r,
      int rgb) {
    double rot = uniform(rng, -config.maxRotationDeg(), config.maxRotationDeg());
    return new SceneObject(cls.colour(), cls.shape(), texture, size, cx, cy, r, rot, rgb);
  }

  private ObjectSize sampleSize(SplittableRandom rng, int count) {
    int lo = config.minSize().ordinal();
    int hi = config.maxSize().ordinal();
    if (count > 1) {
      hi = Math.max(lo, Math.min(hi, ObjectSize.SMALL.ordinal()));
    }
    return ObjectSize.values()[lo + rng.nextInt(hi - lo + 1)];
  }

  private static double radius(SplittableRandom rng, ObjectSize size, int side) {
    return uniform(rng, size.minRadius(), size.maxRadius()) * side;
  }

  /** A centre inside the frame keeping {@code spacing} radii from the objects, when one exists. */
  private static double[] freeSpot(
      SplittableRandom rng, int side, double r, List<SceneObject> others, double spacing) {
    double[] best = null;
    for (int attempt = 0; attempt < 40; attempt++) {
      double cx = uniform(rng, r, side - r);
      double cy = uniform(rng, r, side - r);
      best = new double[] {cx, cy};
      boolean free = true;
      for (SceneObject o : others) {
        double need = (r + o.radius()) * spacing / 2;
        if (Math.hypot(cx - o.cx(), cy - o.cy()) < need) {
          free = false;
          break;
        }
      }
      if (free) {
        return best;
      }
    }
    return best; // crowded: accept an overlap rather than loop forever
  }

  private int jitter(SplittableRandom rng, Color c) {
    float[] hsb = Color.RGBtoHSB(c.getRed(), c.getGreen(), c.getBlue(), null);
    double j = config.colourJitter();
    float h = (float) (hsb[0] + uniform(rng, -1, 1) * j * 0.5);
    float s = (float) clamp(hsb[1] + uniform(rng, -1, 1) * j * 2, 0, 1);
    float b = (float) clamp(hsb[2] + uniform(rng, -1, 1) * j * 2, 0, 1);
    return Color.HSBtoRGB(h - (float) Math.floor(h), s, b) & 0xFFFFFF;
  }

  static double uniform(SplittableRandom rng, double lo, double hi) {
    return lo + (hi - lo) * rng.nextDouble();
  }

  static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
