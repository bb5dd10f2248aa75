package io.calmon.clip.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Constants that are safe inside a differentiable graph.
 *
 * <p>On CPU, DJL's PyTorch engine makes an array from Java data by borrowing a direct buffer
 * ({@code torch::from_blob}) that only the Java array object keeps alive, and {@code
 * NDArray.mul(Number)} builds such a scalar and closes it straight after the product. Autograd
 * keeps the tensor for the backward pass, but not the buffer: once the closed array is garbage
 * collected, the buffer is freed and backward reads whatever reuses that memory (a NaN gradient,
 * rarely, depending on when the collector runs). Constants made here are allocated by PyTorch, so
 * autograd's reference keeps them valid. Use them for every constant a gradient flows past (scale
 * factors, selectors), not only for those closed early: a scope may close them before backward.
 */
public final class Tensors {
  private Tensors() {}

  /** {@code x * factor}, differentiable, with the factor owned by PyTorch. */
  public static NDArray scale(NDArray x, float factor) {
    try (NDArray f = x.getManager().full(new Shape(), factor, x.getDataType())) {
      return x.mul(f);
    }
  }

  /** A PyTorch-owned copy of {@code values} in {@code manager}. */
  public static NDArray constant(NDManager manager, float[] values, Shape shape) {
    try (NDArray borrowed = manager.create(values, shape)) {
      return borrowed.duplicate();
    }
  }
}
