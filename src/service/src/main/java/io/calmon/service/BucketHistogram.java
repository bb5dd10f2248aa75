package io.calmon.service;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A fixed-bucket histogram, thread-safe and lock-free, in the shape Prometheus expects: each
 * observation lands in the first bucket whose upper bound it does not exceed (bounds are inclusive,
 * {@code le}), or in the overflow bucket ({@code +Inf}). Memory is constant; an observation is one
 * array increment and one add.
 *
 * <pre>{@code
 * BucketHistogram latency = new BucketHistogram(BucketHistogram.oneTwoFive(0.001, 10_000));
 * latency.observe(0.042);
 * registry.histogram("calmon_x_seconds", "help", latency::snapshot);
 * }</pre>
 */
public final class BucketHistogram {

  private final double[] upperBounds;
  private final AtomicLongArray counts;
  private final DoubleAdder sum = new DoubleAdder();

  /**
   * @param upperBounds finite, strictly increasing upper bounds; the overflow bucket is implicit
   * @throws IllegalArgumentException if there are none, or they are not finite and increasing
   */
  public BucketHistogram(double... upperBounds) {
    this.upperBounds = checkedBounds(upperBounds);
    this.counts = new AtomicLongArray(upperBounds.length + 1);
  }

  /** 1-2-5 steps from {@code from} up to {@code to} (both included when on the 1-2-5 grid). */
  public static double[] oneTwoFive(double from, double to) {
    if (!(from > 0) || !(to >= from) || Double.isInfinite(to)) {
      throw new IllegalArgumentException("need 0 < from <= to < inf, got " + from + ", " + to);
    }
    List<Double> bounds = new ArrayList<>();
    for (int exponent = (int) Math.floor(Math.log10(from)) - 1; ; exponent++) {
      for (int step : new int[] {1, 2, 5}) {
        // The double nearest the decimal, so 2e-1 is the same double as the literal 0.2.
        double bound = BigDecimal.valueOf(step).scaleByPowerOfTen(exponent).doubleValue();
        if (bound > to) {
          return bounds.stream().mapToDouble(Double::doubleValue).toArray();
        }
        if (bound >= from) {
          bounds.add(bound);
        }
      }
    }
  }

  /** Powers of two from 1 up to {@code max} (included when a power of two), e.g. batch sizes. */
  public static double[] powersOfTwo(long max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    int n = 64 - Long.numberOfLeadingZeros(max);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = 1L << i;
    }
    return out;
  }

  /** Records one value. NaN is ignored. */
  public void observe(double value) {
    if (Double.isNaN(value)) {
      return;
    }
    int bucket = Arrays.binarySearch(upperBounds, value);
    if (bucket < 0) {
      bucket = -bucket - 1; // the first bound above the value, or the overflow bucket
    }
    counts.incrementAndGet(bucket);
    sum.add(value);
  }

  /** The counts now; buckets are read one by one, so a snapshot taken mid-update may lag. */
  public Snapshot snapshot() {
    long[] copy = new long[counts.length()];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = counts.get(i);
    }
    return new Snapshot(upperBounds.clone(), copy, sum.sum());
  }

  private static double[] checkedBounds(double[] bounds) {
    if (bounds == null || bounds.length == 0) {
      throw new IllegalArgumentException("a histogram needs at least one bucket bound");
    }
    for (int i = 0; i < bounds.length; i++) {
      if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
        throw new IllegalArgumentException(
            "bucket bounds must be finite and strictly increasing, got " + Arrays.toString(bounds));
      }
    }
    return bounds.clone();
  }

  /**
   * A histogram's state.
   *
   * @param upperBounds the finite bucket bounds, increasing
   * @param counts observations per bucket, not cumulative; one more than the bounds (the last is
   *     the overflow bucket)
   * @param sum the sum of all observations
   */
  public record Snapshot(double[] upperBounds, long[] counts, double sum) {

    public Snapshot {
      upperBounds = checkedBounds(upperBounds);
      if (counts == null || counts.length != upperBounds.length + 1) {
        throw new IllegalArgumentException("need one count per bound plus the overflow bucket");
      }
      counts = counts.clone();
    }

    /** Observations in all. */
    public long count() {
      long total = 0;
      for (long c : counts) {
        total += c;
      }
      return total;
    }

    /**
     * The upper bound of the bucket that holds quantile {@code q} (0..1): coarse on purpose, at
     * most one bucket's width above the true value. NaN without observations, +Inf in overflow.
     */
    public double quantileUpperBound(double q) {
      long total = count();
      if (total == 0) {
        return Double.NaN;
      }
      long rank = Math.max(1, (long) Math.ceil(q * total));
      long seen = 0;
      for (int i = 0; i < counts.length; i++) {
        seen += counts[i];
        if (seen >= rank) {
          return i < upperBounds.length ? upperBounds[i] : Double.POSITIVE_INFINITY;
        }
      }
      return Double.POSITIVE_INFINITY;
    }
  }
}
