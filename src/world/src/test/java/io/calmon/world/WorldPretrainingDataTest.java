package io.calmon.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorldPretrainingDataTest {
  private static final WorldConfig CONFIG = WorldConfig.defaults();

  @Test
  void shouldGenerateIdenticalPairsForTheSameSeed() {
    WorldPretrainingData a = new WorldPretrainingData(CONFIG, 7);
    WorldPretrainingData b = new WorldPretrainingData(CONFIG, 7);
    for (long i = 0; i < 20; i++) {
      WorldPretrainingData.Sample x = a.get(i);
      WorldPretrainingData.Sample y = b.get(i);
      assertEquals(x.caption(), y.caption());
      assertArrayEquals(Images.toPng(x.image()), Images.toPng(y.image()), "image " + i);
    }
  }

  @Test
  void shouldDescribeExactlyWhatGetRenders() {
    WorldPretrainingData data = new WorldPretrainingData(CONFIG, 7);
    assertEquals(data.get(4).caption(), data.describe(4).caption());
    assertEquals(data.get(4).scene(), data.describe(4).scene());
  }

  @Test
  void shouldGenerateTheSamePairWhateverTheOrder() {
    WorldPretrainingData data = new WorldPretrainingData(CONFIG, 7);
    WorldPretrainingData.Sample late = data.get(5);
    WorldPretrainingData.Sample viaStream = data.stream(3, 5).skip(2).findFirst().orElseThrow();
    assertEquals(late.caption(), viaStream.caption());
    assertArrayEquals(late.chw(), viaStream.chw());
  }

  @Test
  void shouldGenerateDifferentPairsForDifferentSeeds() {
    WorldPretrainingData a = new WorldPretrainingData(CONFIG, 7);
    WorldPretrainingData b = new WorldPretrainingData(CONFIG, 8);
    int differentImages = 0;
    for (long i = 0; i < 10; i++) {
      if (!java.util.Arrays.equals(a.get(i).chw(), b.get(i).chw())) {
        differentImages++;
      }
    }
    assertEquals(10, differentImages);
  }

  @Test
  void shouldRenderImagesAtTheConfiguredSize() {
    WorldConfig small = WorldConfig.builder().optImageSize(32).build();
    WorldPretrainingData data = new WorldPretrainingData(small, 1);
    WorldPretrainingData.Sample s = data.get(0);
    assertEquals(32, s.image().getWidth());
    assertEquals(32, s.image().getHeight());
    assertEquals(3 * 32 * 32, s.chw().length);

    WorldPretrainingData.Batch batch = data.batch(10, 4);
    assertEquals(4, batch.count());
    assertEquals(4 * 3 * 32 * 32, batch.images().length);
    float[] third = new float[3 * 32 * 32];
    System.arraycopy(batch.images(), 2 * third.length, third, 0, third.length);
    assertArrayEquals(data.get(12).chw(), third);
    assertEquals(data.get(12).caption(), batch.captions().get(2));
  }

  @Test
  void shouldKeepPixelsInTheUnitRange() {
    float[] chw = new WorldPretrainingData(CONFIG, 3).get(0).chw();
    for (float v : chw) {
      assertTrue(v >= 0f && v <= 1f, "pixel " + v);
    }
  }

  @Test
  void shouldCoverEveryStyleColourAndShape() {
    WorldPretrainingData data = new WorldPretrainingData(CONFIG, 11);
    Set<Style> styles = new HashSet<>();
    Set<Colour> colours = new HashSet<>();
    Set<Shape> shapes = new HashSet<>();
    java.util.stream.LongStream.range(0, 600)
        .mapToObj(i -> data.describe(i).scene())
        .forEach(
            scene -> {
              styles.add(scene.style());
              colours.add(scene.worldClass().colour());
              shapes.add(scene.worldClass().shape());
            });
    assertEquals(Style.values().length, styles.size());
    assertEquals(Colour.values().length, colours.size());
    assertEquals(Shape.values().length, shapes.size());
  }

  @Test
  void shouldNameTheClassInEveryCaption() {
    WorldPretrainingData data = new WorldPretrainingData(CONFIG, 5);
    java.util.stream.LongStream.range(0, 1000)
        .mapToObj(data::describe)
        .forEach(
            s -> {
              SceneObject o = s.scene().objects().get(0);
              String shapeWord = s.scene().count() == 1 ? o.shape().word() : o.shape().plural();
              assertTrue(s.caption().contains(o.colour().word() + " " + shapeWord), s.caption());
            });
  }

  @Test
  void shouldDrawTheObjectInItsColour() {
    // A large solid object on a plain background, no noise: many pixels near the class colour.
    WorldConfig clean =
        WorldConfig.builder()
            .optLightNoise(0)
            .optNoisyProbability(0)
            .optClutterProbability(0)
            .optOccluderProbability(0)
            .optColourJitter(0)
            .optTexturedProbability(0)
            .optSizes(ObjectSize.LARGE, ObjectSize.LARGE)
            .build();
    Scene scene =
        new SceneSampler(clean)
            .sample(
                new java.util.SplittableRandom(1),
                new WorldClass(Colour.RED, Shape.SQUARE),
                Style.CARTOON,
                Background.PLAIN);
    int[] px = ImageEffects.pixels(new SceneRenderer(clean).render(scene));
    long red = java.util.Arrays.stream(px).filter(p -> (p & 0xFFFFFF) == 0xD7261E).count();
    assertTrue(red > px.length / 10, "red pixels: " + red);
    assertFalse(scene.noisy());
    assertNotEquals(0, red);
  }
}
