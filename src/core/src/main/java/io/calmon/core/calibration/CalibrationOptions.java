package io.calmon.core.calibration;

/**
 * How calibration is measured: the number of equal-width (and equal-mass) bins, and the bootstrap
 * settings for the ECE interval. Validated on construction; a bad value is named in the message.
 *
 * @param bins number of bins M, 1 to {@value #MAX_BINS}; default {@value
 *     ExpectedCalibrationError#DEFAULT_BINS}
 * @param resamples bootstrap resamples, at least 1; default {@value
 *     BootstrapInterval#DEFAULT_RESAMPLES}
 * @param level confidence level of the ECE interval, in (0, 1); default 0.95
 * @param seed bootstrap seed; default {@value #DEFAULT_SEED}
 */
public record CalibrationOptions(int bins, int resamples, double level, long seed) {

  /** Upper limit on M: beyond this, bins hold too few rows to mean anything and cost memory. */
  public static final int MAX_BINS = 100_000;

  /** Bootstrap seed unless configured otherwise. */
  public static final long DEFAULT_SEED = 20240617L;

  /** Validates the settings. */
  public CalibrationOptions {
    if (bins < 1 || bins > MAX_BINS) {
      throw new IllegalArgumentException(
          "bins must be between 1 and " + MAX_BINS + ", got " + bins);
    }
    if (resamples < 1) {
      throw new IllegalArgumentException("resamples must be at least 1, got " + resamples);
    }
    if (!(level > 0.0 && level < 1.0)) {
      throw new IllegalArgumentException("level must be in (0, 1), got " + level);
    }
  }

  /** 15 bins, 1000 resamples, 95%, the default seed. */
  public static CalibrationOptions defaults() {
    return new CalibrationOptions(
        ExpectedCalibrationError.DEFAULT_BINS,
        BootstrapInterval.DEFAULT_RESAMPLES,
        BootstrapInterval.DEFAULT_LEVEL,
        DEFAULT_SEED);
  }

  /** These options with another number of bins. */
  public CalibrationOptions withBins(int bins) {
    return new CalibrationOptions(bins, resamples, level, seed);
  }

  /** These options with another number of bootstrap resamples. */
  public CalibrationOptions withResamples(int resamples) {
    return new CalibrationOptions(bins, resamples, level, seed);
  }

  /** These options with another bootstrap seed. */
  public CalibrationOptions withSeed(long seed) {
    return new CalibrationOptions(bins, resamples, level, seed);
  }
}
