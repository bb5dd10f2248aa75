package io.calmon.trainer.loop;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a freshly tuned prompt version may replace the one being served. Both are evaluated on
 * the same held-out labelled data; the candidate is published unless its accuracy drops, or its ECE
 * rises, by more than the configured margins (absolute, as fractions), or there are too few
 * held-out examples to tell: on 20 examples one prediction moves accuracy by 5 points, more than
 * any margin, so a verdict on them is noise.
 *
 * @param maxAccuracyDrop largest allowed accuracy loss, e.g. 0.02 for two points
 * @param maxEceRise largest allowed ECE increase, e.g. 0.01 for one point
 * @param minJudged held-out examples needed before any candidate is judged (0: no minimum)
 */
public record PublishGate(double maxAccuracyDrop, double maxEceRise, long minJudged) {

  /** How a prompt version did on held-out data. */
  public record Evaluation(long n, double accuracy, double ece) {}

  public PublishGate {
    if (!(maxAccuracyDrop >= 0 && maxAccuracyDrop <= 1)) {
      throw new IllegalArgumentException(
          "max accuracy drop must be in [0, 1], got " + maxAccuracyDrop);
    }
    if (!(maxEceRise >= 0 && maxEceRise <= 1)) {
      throw new IllegalArgumentException("max ECE rise must be in [0, 1], got " + maxEceRise);
    }
    if (minJudged < 0) {
      throw new IllegalArgumentException("min judged must be 0 or more, got " + minJudged);
    }
  }

  /** A gate with no minimum number of held-out examples. */
  public PublishGate(double maxAccuracyDrop, double maxEceRise) {
    this(maxAccuracyDrop, maxEceRise, 0);
  }

  /**
   * @return empty to publish, else the reason for rejecting, with the numbers
   */
  public Optional<String> judge(Evaluation current, Evaluation candidate) {
    if (candidate.n() < minJudged) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "only %d held-out examples to judge on (at least %d needed)",
              candidate.n(),
              minJudged));
    }
    double accuracyDrop = current.accuracy() - candidate.accuracy();
    double eceRise = candidate.ece() - current.ece();
    if (accuracyDrop > maxAccuracyDrop) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "accuracy would drop from %.1f%% to %.1f%% (more than %.1f points) on %d held-out"
                  + " examples",
              100 * current.accuracy(),
              100 * candidate.accuracy(),
              100 * maxAccuracyDrop,
              candidate.n()));
    }
    if (eceRise > maxEceRise) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "ECE would rise from %.1f%% to %.1f%% (more than %.1f points) on %d held-out"
                  + " examples",
              100 * current.ece(),
              100 * candidate.ece(),
              100 * maxEceRise,
              candidate.n()));
    }
    return Optional.empty();
  }
}
