package io.calmon.core.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Probability rows, classwise ECE, Brier and NLL against hand-computed values. */
class ProbabilityRowsTest {

  // K = 2:  r0 y=0 [0.8, 0.2];  r1 y=1 [0.6, 0.4];  r2 y=1 [0.3, 0.7]
  private static final ProbabilityRows THREE =
      new ProbabilityRows(new int[] {0, 1, 1}, new double[][] {{0.8, 0.2}, {0.6, 0.4}, {0.3, 0.7}});

  @Test
  void shouldReduceToTheArgmaxAndItsProbability() {
    TopLabelRows top = THREE.topLabel();
    assertEquals(0.8, top.confidence(0));
    assertTrue(top.correct(0));
    assertEquals(0.6, top.confidence(1));
    assertFalse(top.correct(1));
    assertEquals(0.7, top.confidence(2));
    assertTrue(top.correct(2));
  }

  @Test
  void shouldBreakArgmaxTiesTowardsTheLowestIndex() {
    // [0.5, 0.5] predicts class 0: wrong for label 1, right for label 0.
    ProbabilityRows tied =
        new ProbabilityRows(new int[] {1, 0}, new double[][] {{0.5, 0.5}, {0.5, 0.5}});
    assertEquals(0, tied.predicted(0));
    assertFalse(tied.topLabel().correct(0));
    assertTrue(tied.topLabel().correct(1));
    ProbabilityRows three = new ProbabilityRows(new int[] {2}, new double[][] {{0.2, 0.4, 0.4}});
    assertEquals(1, three.predicted(0));
  }

  @Test
  void shouldComputeBrierByHand() {
    // r0: 0.2^2 + 0.2^2 = 0.08; r1: 0.6^2 + 0.6^2 = 0.72; r2: 0.3^2 + 0.3^2 = 0.18 -> 0.98 / 3
    assertEquals(0.98 / 3.0, ProperScores.brier(THREE), 1e-15);
  }

  @Test
  void shouldComputeNllByHand() {
    double expected = -(Math.log(0.8) + Math.log(0.4) + Math.log(0.7)) / 3.0;
    assertEquals(expected, ProperScores.nll(THREE), 1e-15);
  }

  @Test
  void shouldFloorTheTrueClassProbabilityInNll() {
    assertEquals(-Math.log(1e-12), ProperScores.nll(0.0), 1e-12);
  }

  @Test
  void shouldComputeClasswiseEceByHand() {
    // M = 2, bins (0, 0.5], (0.5, 1].
    // class 0: p0 = 0.8 (y=0), 0.6 (y=1), 0.3 (y=1)
    //   bin 0: {0.3, hit 0} gap 0.3; bin 1: {0.8 hit, 0.6 miss} mean 0.7, freq 0.5, gap 0.2
    //   ECE_0 = (1/3) 0.3 + (2/3) 0.2 = 7/30
    // class 1: p1 = 0.2 (miss), 0.4 (hit), 0.7 (hit)
    //   bin 0: {0.2, 0.4} mean 0.3, freq 0.5, gap 0.2; bin 1: {0.7 hit} gap 0.3 -> 7/30
    double[] perClass = ClasswiseCalibrationError.perClass(THREE, 2);
    assertEquals(7.0 / 30.0, perClass[0], 1e-15);
    assertEquals(7.0 / 30.0, perClass[1], 1e-15);
    assertEquals(7.0 / 30.0, ClasswiseCalibrationError.of(THREE, 2), 1e-15);
  }

  @Test
  void shouldRejectLabelsOutsideTheClassesAndBadProbabilities() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ProbabilityRows(new int[] {2}, new double[][] {{0.5, 0.5}}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ProbabilityRows(new int[] {0}, new double[][] {{1.5, -0.5}}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ProbabilityRows(new int[] {0}, new double[][] {{Double.NaN, 0.5}}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ProbabilityRows(new int[] {0, 0}, new double[][] {{0.5, 0.5}, {1.0}}));
  }
}
