package io.calmon.tuning;

import ai.djl.ndarray.NDArray;
import io.calmon.clip.nn.Tensors;
import java.util.Map;

/**
 * KgCoOp: {@code CE + w * (1 - mean_i cos(t_i, t_i_zs))} over the base classes, {@code t_i_zs} the
 * frozen zero-shot feature of the hand-written template. (The paper writes the penalty as the
 * squared L2 distance of normalised features: the same up to a factor 2.)
 */
final class KgCoOpLoss implements HostLoss {
  private final double weight;

  KgCoOpLoss(double weight) {
    this.weight = weight;
  }

  @Override
  public NDArray loss(TuningStep step, Map<String, NDArray> terms) {
    NDArray ce = step.crossEntropy();
    NDArray kg = Losses.oneMinusMeanCosine(step.classFeatures(), step.zeroShotClassFeatures());
    terms.put("ce", ce);
    terms.put("kg", kg);
    return ce.add(Tensors.scale(kg, (float) weight));
  }
}
