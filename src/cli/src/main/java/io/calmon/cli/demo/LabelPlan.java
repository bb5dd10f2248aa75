package io.calmon.cli.demo;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * When (and whether) the label of traffic event {@code i} arrives: with probability {@code
 * labelledShare} after a delay drawn uniformly from [minDelay, maxDelay], otherwise never. Decided
 * from (seed, i) alone, so a replay of the same traffic labels the same events.
 */
record LabelPlan(double labelledShare, Duration minDelay, Duration maxDelay, long seed) {

  LabelPlan {
    if (!(labelledShare >= 0 && labelledShare <= 1)) {
      throw new IllegalArgumentException("labelled share must be in [0, 1], got " + labelledShare);
    }
    if (minDelay.isNegative() || maxDelay.compareTo(minDelay) < 0) {
      throw new IllegalArgumentException(
          "label delays must satisfy 0 <= min <= max, got " + minDelay + " and " + maxDelay);
    }
  }

  /** The label delay of event {@code index}, or empty when its label never comes. */
  Optional<Duration> delayOf(long index) {
    SplittableRandom random = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
    if (random.nextDouble() >= labelledShare) {
      return Optional.empty();
    }
    long span = maxDelay.toMillis() - minDelay.toMillis();
    return Optional.of(minDelay.plusMillis(span == 0 ? 0 : random.nextLong(span + 1)));
  }
}
