package io.calmon.clip.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.ManagedResources;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

  @Test
  void shouldMinimiseAQuadraticAndZeroGradients() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(new float[] {0f, 10f, -4f, 1f}, new ai.djl.ndarray.types.Shape(2, 2));
      w.setRequiresGradient(true);
      NDArray target = m.create(new float[] {3f, -1f, 2f, 0.5f}, w.getShape());
      try (AdamW adam = AdamW.builder().optWeightDecay(0f).build(m, Map.of("w", w))) {
        for (int i = 0; i < 400; i++) {
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(w.sub(target).square().sum());
          }
          adam.step(0.05f);
          assertEquals(0f, w.getGradient().abs().sum().getFloat(), "gradient zeroed");
        }
        assertEquals(400, adam.steps());
      }
      assertArrayEquals(target.toFloatArray(), w.toFloatArray(), 0.02f);
    }
  }

  @Test
  void shouldNotKeepArraysFromStepToStep() {
    // The bug: arrays computed from the moments stayed in the optimiser's manager, one set per
    // step (about 20 MB a step for the world model; pretraining ran out of memory near step 1000).
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.ones(new ai.djl.ndarray.types.Shape(3, 3));
      w.setRequiresGradient(true);
      try (AdamW adam = AdamW.builder().optClipGradientNorm(0.1f).build(m, Map.of("w", w))) {
        int[] held = new int[6];
        for (int i = 0; i < held.length; i++) {
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(w.square().sum());
          }
          adam.step(0.01f);
          held[i] = ManagedResources.count(adam.state());
        }
        assertEquals(2, held[0], "the two moment estimates");
        assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2}, held);
      }
    }
  }

  @Test
  void shouldDecayMatricesButNotVectors() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray matrix = m.ones(new ai.djl.ndarray.types.Shape(2, 2));
      NDArray vector = m.ones(new ai.djl.ndarray.types.Shape(2));
      matrix.setRequiresGradient(true);
      vector.setRequiresGradient(true);
      try (AdamW adam =
          AdamW.builder()
              .optWeightDecay(0.5f)
              .build(m, Map.of("matrix", matrix, "vector", vector))) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          gc.backward(matrix.mul(0f).sum().add(vector.mul(0f).sum())); // zero gradients
        }
        adam.step(0.1f);
      }
      assertArrayEquals(new float[] {0.95f, 0.95f, 0.95f, 0.95f}, matrix.toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {1f, 1f}, vector.toFloatArray(), 1e-6f);
    }
  }

  @Test
  void shouldClipTheGradientNormAndSkipANonFiniteStep() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.zeros(new ai.djl.ndarray.types.Shape(2));
      w.setRequiresGradient(true);
      try (AdamW adam =
          AdamW.builder().optWeightDecay(0f).optClipGradientNorm(1f).build(m, Map.of("w", w))) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          gc.backward(w.mul(m.create(new float[] {30f, 40f})).sum()); // gradient norm 50
        }
        assertEquals(50f, adam.step(0.1f), 1e-4f);
        // Adam's first step moves each coordinate by the rate, whatever the gradient's scale.
        assertArrayEquals(new float[] {-0.1f, -0.1f}, w.toFloatArray(), 1e-4f);

        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          gc.backward(w.mul(m.create(new float[] {Float.NaN, 1f})).sum());
        }
        assertTrue(Float.isNaN(adam.step(0.1f)));
        assertArrayEquals(new float[] {-0.1f, -0.1f}, w.toFloatArray(), 1e-6f);
        assertEquals(0f, w.getGradient().abs().sum().getFloat(), "NaN gradient zeroed");
        assertEquals(1, adam.steps());
      }
    }
  }

  @Test
  void shouldRejectAParameterWithoutGradient() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray frozen = m.ones(new ai.djl.ndarray.types.Shape(2));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> AdamW.builder().build(m, Map.of("frozen", frozen)));
      assertTrue(e.getMessage().contains("frozen"), e.getMessage());
    }
  }

  @Test
  void shouldWarmUpThenDecayToTheFloor() {
    CosineSchedule s = new CosineSchedule(1f, 0.1f, 4, 15);
    assertEquals(0.25f, s.rate(0), 1e-6f);
    assertEquals(1f, s.rate(3), 1e-6f);
    assertEquals(1f, s.rate(4), 1e-6f);
    assertEquals(0.55f, s.rate(9), 1e-6f); // half way through the decay
    assertEquals(0.1f, s.rate(14), 1e-6f);
    assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(1f, 0f, 5, 5));
  }
}
