package io.calmon.clip.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Constants in a graph must survive a garbage collection between forward and backward. */
class TensorsTest {

  @Test
  void shouldKeepAScaleFactorValidUntilBackward() {
    // With x.mul(3f) the gradient read the freed scalar: NaN on every run of this test.
    try (NDManager m = NDManager.newBaseManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray x = m.create(new float[] {1, 2, 3});
      x.setRequiresGradient(true);
      NDArray y = Tensors.scale(x, 3f).sum();
      List<ByteBuffer> scribbles = FreedMemory.collectAndScribble();
      gc.backward(y);
      assertArrayEquals(new float[] {3, 3, 3}, x.getGradient().toFloatArray());
      scribbles.clear();
    }
  }

  @Test
  void shouldKeepAConstantValidAfterItIsClosed() {
    try (NDManager m = NDManager.newBaseManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray x = m.create(new float[] {1, 2}, new Shape(2, 1));
      x.setRequiresGradient(true);
      NDArray y;
      try (NDArray w = Tensors.constant(m, new float[] {5, 7}, new Shape(1, 2))) {
        y = w.matMul(x).sum(); // d/dx = w^T, saved by autograd
      }
      List<ByteBuffer> scribbles = FreedMemory.collectAndScribble();
      gc.backward(y);
      assertArrayEquals(new float[] {5, 7}, x.getGradient().toFloatArray());
      scribbles.clear();
    }
  }
}
