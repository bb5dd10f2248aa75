package io.calmon.clip.weights;

import java.util.Arrays;

/**
 * A named F32 tensor held in Java memory, as read from or written to safetensors.
 *
 * @param name the tensor's name in the file
 * @param shape dimensions; empty for a scalar
 * @param data row-major values, {@code product(shape)} of them
 */
public record Tensor(String name, long[] shape, float[] data) {

  public Tensor {
    if (data.length != elements(shape)) {
      throw new IllegalArgumentException(
          name + ": " + data.length + " values for shape " + Arrays.toString(shape));
    }
  }

  /** The number of elements of a shape (1 for a scalar). */
  public static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }
}
