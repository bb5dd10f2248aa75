package io.calmon.core.calibration;

/**
 * Equal-width binning of [0, 1] into {@code M} bins, the one bin convention used everywhere in
 * calmon.
 *
 * <p>Bin {@code m} (0-based) covers {@code (lower(m), upper(m)]} where {@code lower(m) = m/M} and
 * {@code upper(m) = (m+1)/M}, both computed as doubles ({@code (double) m / M}, correctly rounded).
 * A value of exactly 0 goes to the first bin. Membership is decided by comparing the value with
 * these double edges, so the edges a reliability diagram reports are exactly the ones used: the
 * literal {@code 0.2} with {@code M = 5} lands in bin 0, because {@code 0.2 <= 1.0 / 5} holds for
 * doubles (while the exact decimal expansion of the double 0.2 lies slightly above 1/5).
 *
 * <p>The index is first estimated as {@code ceil(v * M) - 1}, whose product may round across an
 * integer, then corrected by comparing with the neighbouring edges. Because an edge {@code m/M} and
 * the edge {@code (m r)/(M r)} round to the same double, binning with {@code M r} bins nests
 * exactly inside binning with {@code M} bins: {@code index(v, M r) / r == index(v, M)} for every
 * value, which the sketch relies on.
 */
public final class EqualWidthBins {

  private EqualWidthBins() {}

  /**
   * The bin of a value in [0, 1].
   *
   * @param value a finite value in [0, 1]
   * @param bins the number of bins M, at least 1
   * @return the bin index in [0, M-1]
   * @throws IllegalArgumentException if the value is NaN or outside [0, 1], or bins is below 1
   */
  public static int index(double value, int bins) {
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new IllegalArgumentException("value must be in [0, 1], got " + value);
    }
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be at least 1, got " + bins);
    }
    return indexUnchecked(value, bins);
  }

  /** {@link #index} without argument checks, for hot paths that have validated already. */
  static int indexUnchecked(double value, int bins) {
    int m = (int) Math.ceil(value * bins) - 1;
    if (m < 0) {
      m = 0;
    } else if (m >= bins) {
      m = bins - 1;
    }
    // The product may have rounded across an edge: settle against the double edges themselves.
    while (m > 0 && value <= edge(m, bins)) {
      m--;
    }
    while (m < bins - 1 && value > edge(m + 1, bins)) {
      m++;
    }
    return m;
  }

  /** Lower edge of bin {@code m}: {@code m / M} as a double (exclusive, except for bin 0). */
  public static double lower(int m, int bins) {
    return edge(m, bins);
  }

  /** Upper edge of bin {@code m}: {@code (m + 1) / M} as a double (inclusive). */
  public static double upper(int m, int bins) {
    return edge(m + 1, bins);
  }

  private static double edge(int m, int bins) {
    return (double) m / bins;
  }
}
