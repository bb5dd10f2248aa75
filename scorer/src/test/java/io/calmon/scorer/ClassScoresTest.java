package io.calmon.scorer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClassScoresTest {

  @Test
  void shouldPickTheLowestIndexOnTies() {
    ClassScores s = ClassScores.fromLogits(new float[] {1f, 3f, 3f, 0f}, 1.0);
    assertEquals(1, s.predicted());
  }

  @Test
  void shouldOrderTopKByProbabilityAndKeepIndexOrderOnTies() {
    ClassScores s = ClassScores.fromLogits(new float[] {2f, 5f, 2f, 7f, -1f}, 1.0);
    assertArrayEquals(new int[] {3, 1, 0}, s.topK(3));
    assertArrayEquals(new int[] {3, 1, 0, 2, 4}, s.topK(10)); // capped by the class count
  }

  @Test
  void shouldComputeEntropyInNatsAndSumOfSquares() {
    ClassScores uniform = ClassScores.fromLogits(new float[] {4f, 4f, 4f, 4f}, 1.0);
    assertEquals(Math.log(4), uniform.entropy(), 1e-12);
    assertEquals(0.25, uniform.sumSquaredProbability(), 1e-12);
    assertEquals(0.25, uniform.confidence(), 1e-12);

    ClassScores two = ClassScores.fromLogits(new float[] {0f, (float) Math.log(3)}, 1.0);
    // p = (1/4, 3/4)
    assertEquals(0.75, two.confidence(), 1e-7);
    assertEquals(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), two.entropy(), 1e-7);
    assertEquals(0.0625 + 0.5625, two.sumSquaredProbability(), 1e-7);
  }

  @Test
  void shouldDivideLogitsByTheTemperature() {
    float[] logits = {0f, 2f};
    ClassScores plain = ClassScores.fromLogits(logits, 1.0);
    ClassScores softened = ClassScores.fromLogits(logits, 2.0);
    assertEquals(1 / (1 + Math.exp(-2)), plain.confidence(), 1e-12);
    assertEquals(1 / (1 + Math.exp(-1)), softened.confidence(), 1e-12);
  }

  @Test
  void shouldStayFiniteForHugeLogits() {
    ClassScores s = ClassScores.fromLogits(new float[] {1e30f, 0f}, 1.0);
    assertEquals(1.0, s.confidence(), 0);
    assertEquals(0.0, s.entropy(), 0);
  }

  @Test
  void shouldRefuseANonPositiveTemperatureAndNoClasses() {
    assertThrows(IllegalArgumentException.class, () -> ClassScores.fromLogits(new float[2], 0));
    assertThrows(IllegalArgumentException.class, () -> ClassScores.fromLogits(new float[0], 1));
  }
}
