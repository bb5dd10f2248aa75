package io.calmon.trainer.loop;

import java.util.Locale;
import java.util.Optional;

/**
 * Which prompt version a retraining publishes, if any. The retuned candidate (a new context fitted
 * on the reservoir, with a fresh temperature) comes first: it is published if the {@link
 * PublishGate} lets it. Otherwise the recalibrated one (the serving context, unchanged, with its
 * temperature refitted on recent held-out data) is published if the gate lets it and it lowers the
 * ECE: under a drift that costs accuracy a few shots cannot win back (noise, blur), refitting the
 * temperature is what repairs calibration, and a retuned context that would lose accuracy must not
 * block it. Pure: both candidates are scored by the caller on the same held-out data.
 */
public final class CandidateChoice {

  private CandidateChoice() {}

  /** Which candidate won, or none. */
  public enum Kind {
    RETUNED,
    RECALIBRATED,
    NONE
  }

  /**
   * The decision.
   *
   * @param kind what to publish
   * @param reason why nothing is published (empty when something is), with the numbers
   */
  public record Decision(Kind kind, Optional<String> reason) {}

  /**
   * @param recalibrated the recalibrated candidate's score, empty when there is none (nothing is
   *     served yet, or the served version is zero-shot)
   */
  public static Decision choose(
      PublishGate gate,
      PublishGate.Evaluation current,
      PublishGate.Evaluation retuned,
      Optional<PublishGate.Evaluation> recalibrated) {
    if (retuned.n() == 0) {
      return new Decision(
          Kind.NONE, Optional.of("no held-out examples of the class set's classes yet"));
    }
    Optional<String> retunedRejection = gate.judge(current, retuned);
    if (retunedRejection.isEmpty()) {
      return new Decision(Kind.RETUNED, Optional.empty());
    }
    if (recalibrated.isEmpty()) {
      return new Decision(Kind.NONE, retunedRejection);
    }
    PublishGate.Evaluation r = recalibrated.get();
    Optional<String> recalibratedRejection = gate.judge(current, r);
    if (recalibratedRejection.isEmpty() && r.ece() < current.ece()) {
      return new Decision(Kind.RECALIBRATED, Optional.empty());
    }
    String why =
        recalibratedRejection.orElse(
            String.format(
                Locale.ROOT, "ECE %.1f%% -> %.1f%%, no lower", 100 * current.ece(), 100 * r.ece()));
    return new Decision(
        Kind.NONE,
        Optional.of(
            retunedRejection.get() + "; refitting the served version's temperature: " + why));
  }
}
