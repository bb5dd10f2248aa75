package io.calmon.world;

import java.awt.image.BufferedImage;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Image-caption pairs for contrastive pretraining, streamed: sample {@code i} is generated on its
 * own from {@code (seed, i)}, so nothing is held in memory, any range can be produced in any order
 * (or in parallel), and the same seed always gives the same data.
 *
 * <p>Every colour, shape, style and background is drawn uniformly, so every class of every task
 * (base and new) appears in pretraining captions in every style.
 *
 * <pre>{@code
 * WorldPretrainingData data = new WorldPretrainingData(WorldConfig.defaults(), 42);
 * WorldPretrainingData.Batch b = data.batch(step * 256L, 256); // images [256, 3, 32, 32]
 * }</pre>
 */
public final class WorldPretrainingData {
  private static final Colour[] COLOURS = Colour.values();
  private static final Shape[] SHAPES = Shape.values();
  private static final Style[] STYLES = Style.values();
  private static final Background[] BACKGROUNDS = Background.values();

  /** One pair: the scene, its caption and its image. */
  public record Sample(long index, Scene scene, String caption, BufferedImage image) {
    /** The image as {@code [3, size, size]} floats in [0, 1] (see {@link Images#toChw}). */
    public float[] chw() {
      return Images.toChw(image);
    }
  }

  /**
   * A batch of pairs.
   *
   * @param images {@code [n, 3, size, size]} flattened, floats in [0, 1], not normalised
   * @param captions the n captions, in the same order
   * @param size the image side
   */
  public record Batch(float[] images, List<String> captions, int size) {
    /** Number of pairs. */
    public int count() {
      return captions.size();
    }
  }

  private final WorldConfig config;
  private final long seed;
  private final SceneSampler sampler;
  private final SceneRenderer renderer;
  private final CaptionSampler captions;

  public WorldPretrainingData(WorldConfig config, long seed) {
    this.config = config;
    this.seed = seed;
    this.sampler = new SceneSampler(config);
    this.renderer = new SceneRenderer(config);
    this.captions = new CaptionSampler(config);
  }

  /** The scene and caption of pair {@code index}, without rendering (cheap). */
  public record Description(Scene scene, String caption) {}

  /** The pair at {@code index} (any non-negative long). */
  public Sample get(long index) {
    Description d = describe(index);
    return new Sample(index, d.scene(), d.caption(), renderer.render(d.scene()));
  }

  /** The scene and caption of pair {@code index}, exactly as {@link #get} has them. */
  public Description describe(long index) {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, got " + index);
    }
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, index));
    WorldClass cls =
        new WorldClass(COLOURS[rng.nextInt(COLOURS.length)], SHAPES[rng.nextInt(SHAPES.length)]);
    Style style = STYLES[rng.nextInt(STYLES.length)];
    Background bg = BACKGROUNDS[rng.nextInt(BACKGROUNDS.length)];
    Scene scene = sampler.sample(rng, cls, style, bg);
    return new Description(scene, captions.caption(scene, rng));
  }

  /** Pairs {@code from, from+1, ...} without end. */
  public Iterator<Sample> iterator(long from) {
    return Endless.from(from, this::get);
  }

  /** Pairs {@code from .. from+n-1} as a sequential stream (call {@code parallel()} to fan out). */
  public Stream<Sample> stream(long from, long n) {
    return LongStream.range(from, from + n).mapToObj(this::get);
  }

  /** Pairs {@code from .. from+n-1} packed for a model, rendered on all cores. */
  public Batch batch(long from, int n) {
    int size = config.imageSize();
    int each = 3 * size * size;
    float[] images = new float[n * each];
    String[] caps = new String[n];
    java.util.stream.IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              Sample s = get(from + i);
              Images.toChw(s.image(), images, i * each);
              caps[i] = s.caption();
            });
    return new Batch(images, List.of(caps), size);
  }

  /** The config the pairs are drawn with. */
  public WorldConfig config() {
    return config;
  }
}
