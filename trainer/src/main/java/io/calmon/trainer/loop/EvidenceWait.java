package io.calmon.trainer.loop;

import java.time.Duration;

/**
 * Which held-out examples an accepted retrain request is fitted and judged on. A request that says
 * when its alert's evidence starts ({@code evidence_from}) is about data from then on: judging a
 * repair on examples older than the drift it answers would reject a good repair (or publish a bad
 * one). So such a request waits until enough held-out examples from that time on have arrived, and
 * after {@code maxWait} falls back to the newest examples whatever their time, so that a quiet
 * deployment is still served.
 *
 * @param needed held-out examples from the evidence on that are enough (the fit half and the judge
 *     half together; zero: any one)
 * @param maxWait how long a request waits for them
 */
public record EvidenceWait(long needed, Duration maxWait) {

  /** What to do with a request now. */
  public enum Step {
    /** Fit and judge on the held-out examples from the evidence's start on. */
    ON_EVIDENCE,
    /** Not enough of those yet: ask again later. */
    WAIT,
    /** Fit and judge on the newest held-out examples whatever their time. */
    ON_NEWEST
  }

  public EvidenceWait {
    if (needed < 0) {
      throw new IllegalArgumentException("needed must be 0 or more, got " + needed);
    }
    if (maxWait == null || maxWait.isNegative()) {
      throw new IllegalArgumentException("max wait must be zero or positive, got " + maxWait);
    }
  }

  /**
   * @param evidenceFrom the request's evidence start (epoch millis), or null when it names none
   * @param available held-out examples with an event time at or after it
   * @param waited how long the request has waited so far
   */
  public Step decide(Long evidenceFrom, long available, Duration waited) {
    if (evidenceFrom == null) {
      return Step.ON_NEWEST;
    }
    if (available >= Math.max(needed, 1)) {
      return Step.ON_EVIDENCE;
    }
    return waited.compareTo(maxWait) >= 0 ? Step.ON_NEWEST : Step.WAIT;
  }
}
