package io.calmon.core.calibration;

/**
 * One equal-width bin of a reliability diagram: it covers {@code (lower, upper]} (the first bin
 * also holds a confidence of exactly 0).
 *
 * @param lower lower edge, exclusive except for the first bin
 * @param upper upper edge, inclusive
 * @param count rows whose confidence fell in the bin
 * @param confidence mean confidence of those rows; 0 when the bin is empty
 * @param accuracy fraction of those rows that were correct; 0 when the bin is empty
 */
public record ReliabilityBin(
    double lower, double upper, long count, double confidence, double accuracy) {

  /** Whether no row fell in this bin. */
  public boolean isEmpty() {
    return count == 0;
  }

  /** {@code |accuracy - confidence|}; 0 for an empty bin. */
  public double gap() {
    return Math.abs(accuracy - confidence);
  }
}
