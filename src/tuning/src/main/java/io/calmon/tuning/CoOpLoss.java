package io.calmon.tuning;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** CoOp: cross-entropy over {@code exp(logit_scale) * cos(image, text)} of the base classes. */
final class CoOpLoss implements HostLoss {

  @Override
  public NDArray loss(TuningStep step, Map<String, NDArray> terms) {
    NDArray ce = step.crossEntropy();
    terms.put("ce", ce);
    return ce;
  }
}
