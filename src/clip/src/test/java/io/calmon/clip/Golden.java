package io.calmon.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.calmon.clip.weights.SafeTensors;
import io.calmon.clip.weights.Tensor;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/** The golden fixture written by {@code scripts/make_golden.py}, and tolerance assertions. */
public final class Golden {

  private Golden() {}

  /** A directory or file under {@code src/test/resources/golden}. */
  public static Path path(String name) {
    try {
      return Path.of(Golden.class.getResource("/golden/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The reference inputs and outputs of a fixture, e.g. {@code tiny}. */
  public static Map<String, Tensor> expected(String model) {
    return SafeTensors.read(path(model + "-expected.safetensors")).tensors();
  }

  /** A tensor as an NDArray in {@code manager}. */
  public static NDArray array(NDManager manager, Tensor t) {
    return manager.create(t.data(), new Shape(t.shape()));
  }

  /** Integer ids stored as floats in the fixture, as rows. */
  public static long[][] ids(Tensor t) {
    int rows = (int) t.shape()[0];
    int cols = (int) t.shape()[1];
    long[][] out = new long[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[i][j] = (long) t.data()[i * cols + j];
      }
    }
    return out;
  }

  /** Flattens rows. */
  public static float[] flat(float[][] rows) {
    int n = 0;
    for (float[] r : rows) {
      n += r.length;
    }
    float[] out = new float[n];
    int at = 0;
    for (float[] r : rows) {
      System.arraycopy(r, 0, out, at, r.length);
      at += r.length;
    }
    return out;
  }

  /** Asserts {@code max|actual - expected| <= tol * max|expected|}. */
  public static void assertClose(float[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double maxAbs = 0;
    double maxErr = 0;
    for (int i = 0; i < expected.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
      maxErr = Math.max(maxErr, Math.abs((double) expected[i] - actual[i]));
    }
    assertTrue(maxAbs > 0, what + ": reference is all zeros");
    double rel = maxErr / maxAbs;
    assertTrue(rel <= tol, what + ": relative error " + rel + " > " + tol);
  }
}
