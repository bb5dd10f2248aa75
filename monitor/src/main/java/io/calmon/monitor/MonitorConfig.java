package io.calmon.monitor;

import io.calmon.monitor.alerting.ConfidenceLiftRule;
import io.calmon.monitor.alerting.EceAlertRule;
import io.calmon.monitor.alerting.TextDivergenceRule;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the monitor topology needs, validated once. Durations are event time.
 *
 * @param windowSize length of each report window
 * @param windowAdvance hop between window starts (equal to the size for tumbling windows)
 * @param labelDelay longest a label may take after its event to be used
 * @param grace extra time on top of the label delay before a window's report is final
 * @param bins equal-width bins of the reports (M)
 * @param fineBinsPerBin sketch resolution for approximate ACE
 * @param bootstrapResamples resamples of the ECE interval
 * @param maxFutureSkew how far ahead of the wall clock an event time may be before it is rejected
 * @param idleTimeout wall-clock time after which an input partition that reads nothing stops
 *     holding back the windows' close (see {@code InputWatermarks})
 * @param provisionalInterval wall-clock time between provisional reports of one window
 * @param rules alert rule per report group; groups without one are reported but never alert
 * @param textRule the label-free warning on each served prompt's text features
 * @param liftRule the label-free warning on each tuned version's confidence lift over zero-shot
 */
public record MonitorConfig(
    Duration windowSize,
    Duration windowAdvance,
    Duration labelDelay,
    Duration grace,
    int bins,
    int fineBinsPerBin,
    int bootstrapResamples,
    Duration maxFutureSkew,
    Duration idleTimeout,
    Duration provisionalInterval,
    Map<ReportGroup, EceAlertRule> rules,
    TextDivergenceRule textRule,
    ConfidenceLiftRule liftRule) {

  public MonitorConfig {
    Objects.requireNonNull(textRule, "textRule");
    Objects.requireNonNull(liftRule, "liftRule");
    requirePositive("window-size", windowSize);
    requirePositive("window-advance", windowAdvance);
    if (windowAdvance.compareTo(windowSize) > 0) {
      throw new IllegalArgumentException(
          "window-advance must not exceed window-size (" + windowSize + "), got " + windowAdvance);
    }
    requireNonNegative("label-delay", labelDelay);
    requireNonNegative("grace", grace);
    requireNonNegative("max-future-skew", maxFutureSkew);
    requirePositive("idle-timeout", idleTimeout);
    requirePositive("provisional-interval", provisionalInterval);
    if (bins < 1 || bins > 1000) {
      throw new IllegalArgumentException("bins must be in [1, 1000], got " + bins);
    }
    if (fineBinsPerBin < 1 || fineBinsPerBin > 1000) {
      throw new IllegalArgumentException(
          "fine-bins-per-bin must be in [1, 1000], got " + fineBinsPerBin);
    }
    if (bootstrapResamples < 10 || bootstrapResamples > 100_000) {
      throw new IllegalArgumentException(
          "bootstrap-resamples must be in [10, 100000], got " + bootstrapResamples);
    }
    rules = rules.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(rules));
  }

  /**
   * Defaults: hourly tumbling windows, labels up to 10 minutes late plus 1 minute grace, 15 bins,
   * inputs idle after 30 seconds without a record, provisional reports at most every second, and
   * the default ECE rule on images of base and of new classes (TRUE_BASE, TRUE_NEW), the default
   * label-free text divergence and confidence lift warnings.
   */
  public static MonitorConfig defaults() {
    return new MonitorConfig(
        Duration.ofHours(1),
        Duration.ofHours(1),
        Duration.ofMinutes(10),
        Duration.ofMinutes(1),
        15,
        20,
        1000,
        Duration.ofMinutes(5),
        Duration.ofSeconds(30),
        Duration.ofSeconds(1),
        Map.of(
            ReportGroup.TRUE_BASE, EceAlertRule.defaults(),
            ReportGroup.TRUE_NEW, EceAlertRule.defaults()),
        TextDivergenceRule.defaults(),
        ConfidenceLiftRule.defaults());
  }

  /** Label delay plus grace: how long after its event a prediction's window stays open. */
  public Duration closeAfter() {
    return labelDelay.plus(grace);
  }

  /**
   * Whether a label is late: its labelled-at time (when it was labelled, from the label itself) is
   * more than {@link #closeAfter()} (label delay + grace) after its prediction's event time. A
   * label exactly label delay + grace after the event is on time. The rule is the same whichever of
   * the two records reaches the monitor first.
   *
   * @param eventTimeMillis the prediction's event time, epoch millis
   * @param labelTimeMillis the label record's timestamp, epoch millis
   */
  public boolean isLateLabel(long eventTimeMillis, long labelTimeMillis) {
    return labelTimeMillis - eventTimeMillis > closeAfter().toMillis();
  }

  /**
   * Whether a window has closed: the watermark has reached its end plus {@link #closeAfter()}
   * (label delay + grace). Exactly at that point it is closed: its final report is due and it no
   * longer takes observations. (A label exactly label delay + grace after its event, by contrast,
   * is on time: see {@link #isLateLabel}.)
   *
   * @param windowEndMillis the window's end (exclusive), epoch millis
   * @param watermarkMillis the event-time watermark, epoch millis (negative: none yet)
   */
  public boolean isWindowClosed(long windowEndMillis, long watermarkMillis) {
    return watermarkMillis >= 0 && watermarkMillis - windowEndMillis >= closeAfter().toMillis();
  }

  /**
   * The index of the last window (by end, counting window advances from the epoch) that {@code
   * watermark} has closed: a watermark that moves to a higher index closes at least one window.
   *
   * @param watermarkMillis the event-time watermark, epoch millis (negative: none yet)
   */
  public long lastClosedWindow(long watermarkMillis) {
    if (watermarkMillis < 0) {
      return Long.MIN_VALUE;
    }
    long ends = watermarkMillis - closeAfter().toMillis() - windowSize.toMillis();
    return Math.floorDiv(ends, windowAdvance.toMillis());
  }

  /**
   * How long (in watermark time) predictions wait for labels: twice {@link #closeAfter()}, so late
   * labels are seen.
   */
  public Duration predictionRetention() {
    return closeAfter().multipliedBy(2);
  }

  private static void requirePositive(String key, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
  }

  private static void requireNonNegative(String key, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(key + " must be zero or positive, got " + value);
    }
  }
}
