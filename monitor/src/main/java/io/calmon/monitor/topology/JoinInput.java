package io.calmon.monitor.topology;

import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;

/** What reaches the prediction-label joiner: one or the other, keyed by event id. */
sealed interface JoinInput {
  record OfPrediction(Prediction prediction) implements JoinInput {}

  record OfLabel(Label label) implements JoinInput {}
}
