package io.calmon.trainer.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;

/**
 * Decides which retrain requests the trainer acts on: each request id once (the monitor may emit
 * the same request again after a restart; its ids are derived from the alert), and at most one
 * retraining per cooldown, measured from when the last accepted one started.
 */
public final class RetrainGate {
  private static final int REMEMBERED_IDS = 10_000;

  private final Duration cooldown;
  private final LinkedHashSet<String> seenIds = new LinkedHashSet<>();
  private Instant lastAccepted;

  /**
   * @param cooldown minimum time between two accepted retrainings, zero or more
   */
  public RetrainGate(Duration cooldown) {
    if (cooldown == null || cooldown.isNegative()) {
      throw new IllegalArgumentException("cooldown must be zero or positive, got " + cooldown);
    }
    this.cooldown = cooldown;
  }

  /** Why a request is not acted on. */
  public enum SkipKind {
    /** Its id was seen before. */
    DUPLICATE,
    /** Another retraining started less than the cooldown ago. */
    COOLING_DOWN
  }

  /**
   * A request the gate turned away.
   *
   * @param kind which rule turned it away
   * @param reason the same in words, with the request id or the cooldown's end
   */
  public record Skip(SkipKind kind, String reason) {}

  /**
   * Considers a request received at {@code now}.
   *
   * @return empty when the request should be acted on, else why not
   */
  public Optional<Skip> consider(String requestId, Instant now) {
    if (!remember(requestId)) {
      return Optional.of(
          new Skip(SkipKind.DUPLICATE, "request " + requestId + " was already handled"));
    }
    if (lastAccepted != null && now.isBefore(lastAccepted.plus(cooldown))) {
      return Optional.of(
          new Skip(
              SkipKind.COOLING_DOWN,
              "cooling down until "
                  + lastAccepted.plus(cooldown)
                  + " (last retraining started "
                  + lastAccepted
                  + ")"));
    }
    lastAccepted = now;
    return Optional.empty();
  }

  private boolean remember(String requestId) {
    if (seenIds.contains(requestId)) {
      return false;
    }
    seenIds.add(requestId);
    if (seenIds.size() > REMEMBERED_IDS) {
      seenIds.remove(seenIds.iterator().next());
    }
    return true;
  }
}
