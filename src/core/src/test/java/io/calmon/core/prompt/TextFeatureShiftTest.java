package io.calmon.core.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TextFeatureShiftTest {

  @Test
  void shouldMeasureDivergenceAndDeviationOnAHandComputedCase() {
    // Zero-shot: three unit vectors 60 degrees apart in a plane (cos 0.5 for (0,1) and (1,2),
    // cos -0.5 for (0,2)); tuned: the x, y and z axes (cos 0 for every pair).
    float s = (float) Math.sqrt(3) / 2;
    float[][] zeroShot = {{1, 0, 0}, {0.5f, s, 0}, {-0.5f, s, 0}};
    float[][] tuned = {{2, 0, 0}, {0, 3, 0}, {0, 0, 1}}; // unnormalised on purpose
    TextFeatureShift shift = TextFeatureShift.of(tuned, zeroShot);
    // zero-shot pairs: 1 - 0.5, 1 - (-0.5), 1 - 0.5 -> mean (0.5 + 1.5 + 0.5) / 3
    assertEquals(2.5 / 3, shift.zeroShotDivergence(), 1e-6);
    assertEquals(1.0, shift.divergence(), 1e-12);
    assertEquals(1.0 / (2.5 / 3), shift.divergenceRatio(), 1e-6);
    // deviation: class 0 unchanged (0), class 1 cos = sqrt(3)/2, class 2 cos = 0
    assertEquals((0 + (1 - Math.sqrt(3) / 2) + 1) / 3, shift.deviation(), 1e-6);
    // zero-shot nearest: class 0 -> 1 (0.5), class 1 -> 0 or 2 (0.5), class 2 -> 1 (0.5)
    assertEquals(0.5, shift.zeroShotSeparation(), 1e-6);
    assertEquals(1.0, shift.separation(), 1e-12);
    assertEquals(2.0, shift.separationRatio(), 1e-6);
  }

  @Test
  void shouldTakeEachClassesNearestNeighbourNotTheMeanOfItsPairs() {
    // a close pair (cos 0.8) and a far third class: separation sees the pair, divergence averages
    float[][] z = {{1, 0, 0}, {0.8f, 0.6f, 0}, {0, 0, 1}};
    TextFeatureShift shift = TextFeatureShift.of(z, z);
    assertEquals((0.2 + 0.2 + 1.0) / 3, shift.separation(), 1e-6);
    assertEquals((0.2 + 1.0 + 1.0) / 3, shift.divergence(), 1e-6);
  }

  @Test
  void shouldSeeNoShiftWhenTheFeaturesAreTheZeroShotOnes() {
    float[][] z = {{1, 2, 3}, {-1, 0, 2}, {0.5f, 0.5f, -1}};
    TextFeatureShift shift = TextFeatureShift.of(z, z);
    assertEquals(0, shift.deviation(), 1e-7);
    assertEquals(1, shift.divergenceRatio(), 1e-12);
  }

  @Test
  void shouldSplitTheServedClassesByTheVersionsBaseClasses() {
    float s3 = (float) Math.sqrt(3) / 2;
    float[][] zeroShot = {{1, 0, 0}, {0, 1, 0}, {0.5f, s3, 0}, {-0.5f, s3, 0}};
    float[][] tuned = {{1, 0, 0}, {0, 1, 0}, {1, 0, 0}, {0, 0, 1}};
    TextFeatureShift.Split split =
        TextFeatureShift.split(
            List.of("cat", "dog", "owl", "fox"), Set.of("dog", "cat"), tuned, zeroShot);
    assertEquals(0, split.base().deviation(), 1e-12);
    assertEquals(1.0, split.base().divergenceRatio(), 1e-12);
    // owl and fox: zero-shot cos -1/4 + 3/4 = 0.5 (distance 0.5), tuned cos 0 (distance 1)
    assertEquals(0.5, split.fresh().zeroShotDivergence(), 1e-6);
    assertEquals(2.0, split.fresh().divergenceRatio(), 1e-6);
    assertEquals(2, split.fresh().classes());
    assertNull(
        TextFeatureShift.split(
                List.of("owl"), Set.of("cat"), new float[][] {{1, 0}}, new float[][] {{1, 0}})
            .base());
  }

  @Test
  void shouldGiveASingleClassNoPairs() {
    TextFeatureShift shift = TextFeatureShift.of(new float[][] {{1, 0}}, new float[][] {{0, 1}});
    assertEquals(0, shift.divergence());
    assertEquals(1, shift.deviation(), 1e-12);
    assertEquals(Double.NaN, shift.divergenceRatio());
    assertEquals(Double.NaN, shift.separationRatio());
  }

  @Test
  void shouldRefuseMismatchedOrDirectionlessFeatures() {
    assertThrows(
        IllegalArgumentException.class,
        () -> TextFeatureShift.of(new float[][] {{1, 0}}, new float[][] {{1, 0}, {0, 1}}));
    assertThrows(
        IllegalArgumentException.class,
        () -> TextFeatureShift.of(new float[][] {{0, 0}}, new float[][] {{1, 0}}));
  }
}
