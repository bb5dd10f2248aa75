package io.calmon.core.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfidenceLiftTest {

  @Test
  void shouldBeTheMeanConfidenceMinusTheMeanZeroShotProbability() {
    // Hand-computed: confidences 0.9, 0.8, 0.7 (mean 0.8); zero-shot 0.6, 0.5, 0.7 (mean 0.6).
    ConfidenceLift lift = new ConfidenceLift();
    lift.add(0.9, 0.6);
    lift.add(0.8, 0.5);
    lift.add(0.7, 0.7);

    assertEquals(3L, lift.count());
    assertEquals(0.2, lift.lift(), 1e-12);
    assertEquals(0.6, lift.zeroShotAccuracy(), 1e-12);
  }

  @Test
  void shouldMergeToTheSumOfItsParts() {
    ConfidenceLift left = new ConfidenceLift();
    left.add(0.9, 0.6);
    ConfidenceLift right = new ConfidenceLift();
    right.add(0.8, 0.5);
    right.add(0.7, 0.7);

    left.addAll(right);

    assertEquals(3L, left.count());
    assertEquals(0.2, left.lift(), 1e-12);
    ConfidenceLift restored = ConfidenceLift.of(3, 2.4, 1.8);
    assertEquals(left.lift(), restored.lift(), 1e-12);
  }

  @Test
  void shouldBeUndefinedWithoutPredictions() {
    assertTrue(Double.isNaN(new ConfidenceLift().lift()));
    assertTrue(Double.isNaN(new ConfidenceLift().zeroShotAccuracy()));
  }

  @Test
  void shouldRefuseWhatIsNotAProbability() {
    ConfidenceLift lift = new ConfidenceLift();
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> lift.add(1.2, 0.5))
            .getMessage()
            .contains("[0, 1]"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> lift.add(0.5, Double.NaN))
            .getMessage()
            .contains("[0, 1]"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ConfidenceLift.of(2, 3.0, 1.0))
            .getMessage()
            .contains("[0, 2]"));
  }
}
