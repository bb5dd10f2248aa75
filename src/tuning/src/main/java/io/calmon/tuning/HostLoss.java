package io.calmon.tuning;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** A host method's own objective on one batch; DOR is added on top by the tuner. */
public interface HostLoss {

  /**
   * The loss of one step, a scalar with a gradient to the context.
   *
   * @param step the batch and the step's text features
   * @param terms receives each named term (e.g. {@code ce}, {@code kg}) for progress reports
   */
  NDArray loss(TuningStep step, Map<String, NDArray> terms);
}
