package io.calmon.monitor.topology;

import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;

/**
 * What reaches the prediction-label joiner: a prediction or a label keyed by event id, or the
 * watermark of one labels partition.
 */
sealed interface JoinInput {
  record OfPrediction(Prediction prediction) implements JoinInput {}

  record OfLabel(Label label) implements JoinInput {}

  /**
   * @param source the labels partition
   * @param sources partitions of the labels topic
   * @param watermark the highest labelled-at time read from it
   * @param idle whether it has been quiet for the idle timeout
   */
  record OfLabelWatermark(int source, int sources, long watermark, boolean idle)
      implements JoinInput {}
}
