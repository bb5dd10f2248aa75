package io.calmon.tuning;

import ai.djl.ndarray.NDArray;
import io.calmon.clip.nn.Tensors;

/**
 * The tensor arithmetic the losses share. Scale factors go through {@link Tensors#scale}: a plain
 * {@code mul(Number)} leaves the backward pass reading a freed buffer (see {@link Tensors}).
 */
final class Losses {
  private Losses() {}

  /** Rows scaled to unit L2 norm: {@code [n, d]}. */
  static NDArray normalize(NDArray x) {
    return x.div(x.square().sum(new int[] {1}, true).sqrt());
  }

  /**
   * {@code 1 - mean_i cos(a_i, b_i)} for row-aligned {@code a} (normalised, with a gradient) and
   * {@code b} (normalised, constant): a scalar.
   */
  static NDArray oneMinusMeanCosine(NDArray a, NDArray b) {
    return a.mul(b).sum(new int[] {1}).mean().neg().add(1f);
  }

  /**
   * Mean cross-entropy of {@code scale * image @ text^T} against one-hot labels.
   *
   * @param images {@code [n, d]} normalised
   * @param text {@code [c, d]} normalised
   * @param oneHot {@code [n, c]}
   */
  static NDArray crossEntropy(NDArray images, NDArray text, NDArray oneHot, float scale) {
    NDArray logits = Tensors.scale(images.matMul(text.transpose()), scale); // [n, c]
    return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).mean().neg();
  }
}
