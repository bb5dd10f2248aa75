package io.calmon.scorer;

import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.ClassProbability;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Turns one image's logits into a {@link Prediction} record. Pure: no Kafka, no model. */
public final class PredictionBuilder {

  private final int topK;
  private final int fullProbabilitiesMax;
  private final String scorerId;

  /**
   * @param topK length of the top-k list (capped by the number of classes)
   * @param fullProbabilitiesMax ship the full vector for class sets of at most this many classes
   * @param scorerId the instance id written into every prediction
   */
  public PredictionBuilder(int topK, int fullProbabilitiesMax, String scorerId) {
    if (topK < 1) {
      throw new IllegalArgumentException("top-k must be at least 1, got " + topK);
    }
    this.topK = topK;
    this.fullProbabilitiesMax = fullProbabilitiesMax;
    this.scorerId = scorerId;
  }

  /**
   * The prediction for {@code event}.
   *
   * @param logits the context's logits of the image (before temperature)
   * @param zeroShotLogits the template's logits of the same image ({@link
   *     ScoringContext#zeroShotLogits}), for the template's probability of the predicted class and
   *     its own answer
   */
  public Prediction build(
      ImageEvent event,
      ScoringContext context,
      float[] logits,
      float[] zeroShotLogits,
      Instant scoredAt) {
    if (logits.length != context.classNames().size()
        || zeroShotLogits.length != context.classNames().size()) {
      throw new IllegalArgumentException(
          logits.length
              + " logits and "
              + zeroShotLogits.length
              + " zero-shot logits for "
              + context.classNames().size()
              + " classes");
    }
    ClassScores scores = context.scores(logits);
    // Serving the template, its answer is the prediction itself: no second softmax per image.
    ClassScores zeroShot =
        zeroShotLogits == logits && context.temperature() == 1.0
            ? scores
            : ClassScores.fromLogits(zeroShotLogits, 1.0);
    List<String> names = context.classNames();
    String predicted = names.get(scores.predicted());
    List<ClassProbability> top = new ArrayList<>(topK);
    for (int j : scores.topK(topK)) {
      top.add(new ClassProbability(names.get(j), scores.probability(j)));
    }
    List<Float> full = null;
    if (names.size() <= fullProbabilitiesMax) {
      full = new ArrayList<>(names.size());
      for (int j = 0; j < names.size(); j++) {
        full.add((float) scores.probability(j));
      }
    }
    return Prediction.newBuilder()
        .setEventId(event.getEventId())
        .setEventTime(event.getEventTime())
        .setScoredAt(scoredAt)
        .setDeployment(event.getDeployment())
        .setPromptVersion(context.promptVersion())
        .setClassSetVersion(context.classSetVersion())
        .setPredictedClass(predicted)
        .setConfidence(scores.confidence())
        .setGroup(context.isBase(predicted) ? CalibrationGroup.BASE : CalibrationGroup.NEW)
        .setTopK(top)
        .setEntropy(scores.entropy())
        .setSumSquaredProbability(scores.sumSquaredProbability())
        .setClassProbabilities(full)
        .setScorerId(scorerId)
        .setZeroShotProbability(zeroShot.probability(scores.predicted()))
        .setZeroShotClass(names.get(zeroShot.predicted()))
        .setZeroShotConfidence(zeroShot.confidence())
        .build();
  }
}
