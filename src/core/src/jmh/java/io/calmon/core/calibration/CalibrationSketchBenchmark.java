package io.calmon.core.calibration;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Throughput of {@link CalibrationSketch} updates and merges, each next to a bound measured in the
 * same run: the plain loop that any binned histogram must at least execute (updates: index by
 * {@code (int) (c * F)}, add into three arrays; merges: add three arrays element-wise into fresh
 * ones). The ratio sketch/bound says how much the validation and the exact edge handling cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CalibrationSketchBenchmark {

  private static final int BATCH = 4096;
  private static final int BINS = 15;

  private double[] confidences;
  private boolean[] correct;
  private CalibrationSketch sketch;
  private CalibrationSketch left;
  private CalibrationSketch right;
  private int fine;
  private long[] boundCounts;
  private double[] boundSums;
  private long[] boundCorrect;
  private long[] otherCounts;
  private double[] otherSums;
  private long[] otherCorrect;

  @Setup
  public void setUp() {
    SplittableRandom rng = new SplittableRandom(1);
    confidences = new double[BATCH];
    correct = new boolean[BATCH];
    for (int i = 0; i < BATCH; i++) {
      // Confidences piled up near 1, as CLIP's are with logit scale 100.
      confidences[i] = 1.0 - Math.pow(rng.nextDouble(), 3) * 0.7;
      correct[i] = rng.nextDouble() < 0.75;
    }
    sketch = new CalibrationSketch(BINS);
    left = new CalibrationSketch(BINS);
    right = new CalibrationSketch(BINS);
    for (int i = 0; i < BATCH; i++) {
      left.add(confidences[i], correct[i], i % 10);
      right.add(confidences[BATCH - 1 - i], correct[i], i % 7);
    }
    fine = BINS * CalibrationSketch.DEFAULT_FINE_BINS_PER_BIN;
    boundCounts = new long[fine];
    boundSums = new double[fine];
    boundCorrect = new long[fine];
    otherCounts = new long[fine];
    otherSums = new double[fine];
    otherCorrect = new long[fine];
  }

  /** Sketch updates: one {@code add(confidence, correct)} per operation. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public CalibrationSketch update() {
    for (int i = 0; i < BATCH; i++) {
      sketch.add(confidences[i], correct[i]);
    }
    return sketch;
  }

  /** Bound for updates: the same doubles summed into plain arrays, no checks, no edge fix-up. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long[] updateBound() {
    for (int i = 0; i < BATCH; i++) {
      double c = confidences[i];
      int f = Math.min((int) (c * fine), fine - 1);
      boundCounts[f]++;
      boundSums[f] += c;
      boundCorrect[f] += correct[i] ? 1 : 0;
    }
    return boundCounts;
  }

  /** Sketch merges: a new sketch from two (300 fine bins, 10 classes), allocation included. */
  @Benchmark
  public CalibrationSketch merge() {
    return left.merge(right);
  }

  /** In-place merges ({@code addAll}): what an aggregator owning its accumulator pays. */
  @Benchmark
  public CalibrationSketch mergeInPlace() {
    return sketch.addAll(right);
  }

  /** Bound for in-place merges: three arrays added element-wise into existing ones. */
  @Benchmark
  public long[] mergeInPlaceBound() {
    for (int f = 0; f < fine; f++) {
      boundCounts[f] += otherCounts[f];
      boundSums[f] += otherSums[f];
      boundCorrect[f] += otherCorrect[f];
    }
    return boundCounts;
  }

  /** Bound for merges: three fresh arrays of the same length, element-wise sums. */
  @Benchmark
  public Object mergeBound() {
    long[] counts = new long[fine];
    double[] sums = new double[fine];
    long[] hits = new long[fine];
    for (int f = 0; f < fine; f++) {
      counts[f] = boundCounts[f] + otherCounts[f];
      sums[f] = boundSums[f] + otherSums[f];
      hits[f] = boundCorrect[f] + otherCorrect[f];
    }
    return new Object[] {counts, sums, hits};
  }
}
