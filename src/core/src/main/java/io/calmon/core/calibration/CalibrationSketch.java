package io.calmon.core.calibration;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * A mergeable summary of labelled predictions, from which calibration metrics are read without
 * keeping the predictions: the monitor's state per window and group. Memory is constant in the
 * number of predictions.
 *
 * <p>It keeps:
 *
 * <ul>
 *   <li>per fine equal-width bin (F = M r bins: M report bins, each cut into r fine bins): the row
 *       count, the sum of confidences and the number correct. Fine binning nests exactly in the
 *       M-bin binning (see {@link EqualWidthBins}), so the M report bins are sums of fine bins, and
 *       ECE, both MCEs and the reliability diagram equal the batch figures for the same rows up to
 *       the order in which confidences were summed (differences near 1e-16);
 *   <li>ACE from the fine bins, approximate, with a bound on its error ({@link
 *       AdaptiveCalibrationError#approximate});
 *   <li>per true class: labelled count and correct count (class ids grow the arrays on demand);
 *   <li>Brier and NLL sums, each with its own count, since not every prediction carries the full
 *       probability vector or the true class's probability.
 * </ul>
 *
 * <p>{@code add...} methods (including {@link #addAll}) mutate this sketch and are not thread-safe;
 * {@link #merge} returns a new sketch and leaves both inputs unchanged. Merging is commutative and
 * associative: counts exactly, sums up to floating-point reassociation.
 */
public final class CalibrationSketch {

  /** Fine bins per report bin unless configured otherwise: 15 report bins give 300 fine bins. */
  public static final int DEFAULT_FINE_BINS_PER_BIN = 20;

  /** Upper limit on fine bins, to keep a sketch small enough for a state store. */
  public static final int MAX_FINE_BINS = 1 << 20;

  /** Upper limit on class ids, so one bad record cannot allocate gigabytes. */
  public static final int MAX_CLASSES = 1 << 20;

  private final int bins;
  private final int fineBinsPerBin;
  final long[] counts; // [fine bin]
  final double[] confidenceSums; // [fine bin]
  final long[] correctCounts; // [fine bin]
  long[] classLabelled; // [true class], capacity >= classCount
  long[] classCorrect; // [true class]
  int classCount;
  double brierSum;
  long brierCount;
  double nllSum;
  long nllCount;

  /** An empty sketch with M report bins and the default fine resolution. */
  public CalibrationSketch(int bins) {
    this(bins, DEFAULT_FINE_BINS_PER_BIN);
  }

  /**
   * An empty sketch.
   *
   * @param bins report bins M, at least 1
   * @param fineBinsPerBin fine bins r per report bin, at least 1; M r at most {@value
   *     #MAX_FINE_BINS}
   */
  public CalibrationSketch(int bins, int fineBinsPerBin) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be at least 1, got " + bins);
    }
    if (fineBinsPerBin < 1 || (long) bins * fineBinsPerBin > MAX_FINE_BINS) {
      throw new IllegalArgumentException(
          "fineBinsPerBin must be at least 1 with bins * fineBinsPerBin <= "
              + MAX_FINE_BINS
              + ", got "
              + fineBinsPerBin
              + " with bins "
              + bins);
    }
    this.bins = bins;
    this.fineBinsPerBin = fineBinsPerBin;
    int fine = bins * fineBinsPerBin;
    this.counts = new long[fine];
    this.confidenceSums = new double[fine];
    this.correctCounts = new long[fine];
    this.classLabelled = new long[0];
    this.classCorrect = new long[0];
  }

  /**
   * Adds one labelled prediction by its top label.
   *
   * @param confidence the predicted class's probability, in [0, 1]
   * @param correct whether the prediction was correct
   * @throws IllegalArgumentException if the confidence is NaN or outside [0, 1]
   */
  public void add(double confidence, boolean correct) {
    if (!(confidence >= 0.0 && confidence <= 1.0)) {
      throw new IllegalArgumentException("confidence must be in [0, 1], got " + confidence);
    }
    int f = EqualWidthBins.indexUnchecked(confidence, counts.length);
    counts[f]++;
    confidenceSums[f] += confidence;
    correctCounts[f] += correct ? 1 : 0;
  }

  /**
   * Adds one labelled prediction and counts it for its true class.
   *
   * @throws IllegalArgumentException if the confidence is not in [0, 1] or the class is negative or
   *     at least {@value #MAX_CLASSES}
   */
  public void add(double confidence, boolean correct, int trueClass) {
    requireClass(trueClass);
    add(confidence, correct);
    countClass(trueClass, correct);
  }

  /**
   * Adds one labelled prediction from its whole probability vector: top label (argmax, lowest index
   * on ties), true-class counts, Brier and NLL.
   *
   * @throws IllegalArgumentException if the class is outside the vector or a probability is NaN or
   *     outside [0, 1]
   */
  public void add(double[] probabilities, int trueClass) {
    if (trueClass < 0 || trueClass >= probabilities.length) {
      throw new IllegalArgumentException(
          "true class must be in [0, " + (probabilities.length - 1) + "], got " + trueClass);
    }
    int predicted = 0;
    for (int k = 0; k < probabilities.length; k++) {
      double p = probabilities[k];
      if (!(p >= 0.0 && p <= 1.0)) {
        throw new IllegalArgumentException(
            "probability of class " + k + " must be in [0, 1], got " + p);
      }
      if (p > probabilities[predicted]) {
        predicted = k;
      }
    }
    add(probabilities[predicted], predicted == trueClass, trueClass);
    addBrier(ProperScores.brier(probabilities, trueClass));
    addNegativeLogLikelihood(ProperScores.nll(probabilities[trueClass]));
  }

  /** Adds one prediction's Brier score ({@link ProperScores#brier(double[], int)}). */
  public void addBrier(double brier) {
    if (!(brier >= 0.0 && brier <= 2.0)) {
      throw new IllegalArgumentException("Brier score must be in [0, 2], got " + brier);
    }
    brierSum += brier;
    brierCount++;
  }

  /** Adds one prediction's negative log-likelihood ({@link ProperScores#nll(double)}). */
  public void addNegativeLogLikelihood(double nll) {
    if (!(nll >= 0.0 && nll < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("NLL must be finite and non-negative, got " + nll);
    }
    nllSum += nll;
    nllCount++;
  }

  private static void requireClass(int trueClass) {
    if (trueClass < 0 || trueClass >= MAX_CLASSES) {
      throw new IllegalArgumentException(
          "true class must be in [0, " + (MAX_CLASSES - 1) + "], got " + trueClass);
    }
  }

  private void countClass(int trueClass, boolean correct) {
    ensureClasses(trueClass + 1);
    classLabelled[trueClass]++;
    classCorrect[trueClass] += correct ? 1 : 0;
  }

  void ensureClasses(int count) {
    if (count > classLabelled.length) {
      int capacity = Math.max(count, Math.min(MAX_CLASSES, 2 * classLabelled.length));
      classLabelled = Arrays.copyOf(classLabelled, capacity);
      classCorrect = Arrays.copyOf(classCorrect, capacity);
    }
    classCount = Math.max(classCount, count);
  }

  /**
   * A new sketch holding both; neither input changes.
   *
   * @throws IllegalArgumentException if the two differ in bins or fine bins per bin
   */
  public CalibrationSketch merge(CalibrationSketch other) {
    requireSameShape(other);
    return copy().addAll(other);
  }

  /**
   * Adds everything {@code other} holds into this sketch (mutating it, not {@code other}), for
   * aggregators that own their accumulator; {@code a.copy().addAll(b)} is {@code a.merge(b)}.
   *
   * @return this sketch
   * @throws IllegalArgumentException if the two differ in bins or fine bins per bin
   */
  public CalibrationSketch addAll(CalibrationSketch other) {
    requireSameShape(other);
    for (int f = 0; f < counts.length; f++) {
      counts[f] += other.counts[f];
      confidenceSums[f] += other.confidenceSums[f];
      correctCounts[f] += other.correctCounts[f];
    }
    ensureClasses(other.classCount);
    for (int k = 0; k < other.classCount; k++) {
      classLabelled[k] += other.classLabelled[k];
      classCorrect[k] += other.classCorrect[k];
    }
    brierSum += other.brierSum;
    brierCount += other.brierCount;
    nllSum += other.nllSum;
    nllCount += other.nllCount;
    return this;
  }

  private void requireSameShape(CalibrationSketch other) {
    if (other.bins != bins || other.fineBinsPerBin != fineBinsPerBin) {
      throw new IllegalArgumentException(
          "cannot merge sketches of different shape: "
              + bins
              + "x"
              + fineBinsPerBin
              + " and "
              + other.bins
              + "x"
              + other.fineBinsPerBin);
    }
  }

  /** An independent copy. */
  public CalibrationSketch copy() {
    CalibrationSketch copy = new CalibrationSketch(bins, fineBinsPerBin);
    System.arraycopy(counts, 0, copy.counts, 0, counts.length);
    System.arraycopy(confidenceSums, 0, copy.confidenceSums, 0, counts.length);
    System.arraycopy(correctCounts, 0, copy.correctCounts, 0, counts.length);
    copy.classLabelled = Arrays.copyOf(classLabelled, classCount);
    copy.classCorrect = Arrays.copyOf(classCorrect, classCount);
    copy.classCount = classCount;
    copy.brierSum = brierSum;
    copy.brierCount = brierCount;
    copy.nllSum = nllSum;
    copy.nllCount = nllCount;
    return copy;
  }

  /**
   * A sketch rebuilt from its parts, as a store or topic kept them ({@link #fineBinCount()} and the
   * per-bin and per-class accessors give them). The arrays are copied.
   *
   * @param counts predictions per fine bin
   * @param confidenceSums sum of confidences per fine bin, in [0, count]
   * @param correctCounts correct predictions per fine bin, at most its count
   * @param classLabelled labelled predictions per true class
   * @param classCorrect correct predictions per true class, at most its labelled count
   * @throws IllegalArgumentException if a part does not fit the shape or breaks an invariant; the
   *     message names the fine bin or class
   */
  public static CalibrationSketch restore(
      int bins,
      int fineBinsPerBin,
      long[] counts,
      double[] confidenceSums,
      long[] correctCounts,
      long[] classLabelled,
      long[] classCorrect,
      double brierSum,
      long brierCount,
      double nllSum,
      long nllCount) {
    CalibrationSketch sketch = new CalibrationSketch(bins, fineBinsPerBin);
    int fine = sketch.counts.length;
    if (counts.length != fine || confidenceSums.length != fine || correctCounts.length != fine) {
      throw new IllegalArgumentException("fine bins: expected " + fine + " per array");
    }
    for (int f = 0; f < fine; f++) {
      long n = counts[f];
      long c = correctCounts[f];
      double sum = confidenceSums[f];
      if (n < 0 || c < 0 || c > n || !(sum >= 0.0 && sum <= n)) {
        throw new IllegalArgumentException(
            "fine bin " + f + ": count " + n + ", correct " + c + ", confidence sum " + sum);
      }
    }
    if (classLabelled.length != classCorrect.length || classLabelled.length > MAX_CLASSES) {
      throw new IllegalArgumentException(
          "classes: lengths " + classLabelled.length + ", " + classCorrect.length);
    }
    for (int k = 0; k < classLabelled.length; k++) {
      if (classLabelled[k] < 0 || classCorrect[k] < 0 || classCorrect[k] > classLabelled[k]) {
        throw new IllegalArgumentException(
            "class " + k + ": labelled " + classLabelled[k] + ", correct " + classCorrect[k]);
      }
    }
    if (brierCount < 0 || nllCount < 0) {
      throw new IllegalArgumentException("brier count " + brierCount + ", nll count " + nllCount);
    }
    System.arraycopy(counts, 0, sketch.counts, 0, fine);
    System.arraycopy(confidenceSums, 0, sketch.confidenceSums, 0, fine);
    System.arraycopy(correctCounts, 0, sketch.correctCounts, 0, fine);
    sketch.classLabelled = classLabelled.clone();
    sketch.classCorrect = classCorrect.clone();
    sketch.classCount = classLabelled.length;
    sketch.brierSum = brierSum;
    sketch.brierCount = brierCount;
    sketch.nllSum = nllSum;
    sketch.nllCount = nllCount;
    return sketch;
  }

  /** Fine bins M r. */
  public int fineBinCount() {
    return counts.length;
  }

  /** Predictions in fine bin {@code f}. */
  public long fineCount(int f) {
    return counts[f];
  }

  /** Sum of the confidences in fine bin {@code f}. */
  public double fineConfidenceSum(int f) {
    return confidenceSums[f];
  }

  /** Correct predictions in fine bin {@code f}. */
  public long fineCorrect(int f) {
    return correctCounts[f];
  }

  /** Sum of the Brier scores added (see {@link #brier()} for the mean). */
  public double brierSum() {
    return brierSum;
  }

  /** Sum of the negative log-likelihoods added (see {@link #nll()} for the mean). */
  public double nllSum() {
    return nllSum;
  }

  /** Report bins M. */
  public int binCount() {
    return bins;
  }

  /** Fine bins per report bin r. */
  public int fineBinsPerBin() {
    return fineBinsPerBin;
  }

  /** Labelled predictions added. */
  public long count() {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }

  /** Whether nothing was added. */
  public boolean isEmpty() {
    return count() == 0;
  }

  /** One more than the largest true class counted; 0 when no class was. */
  public int classCount() {
    return classCount;
  }

  /** Labelled predictions whose true class was {@code k}; 0 for classes never seen. */
  public long labelledCount(int k) {
    return k < classCount ? classLabelled[k] : 0;
  }

  /** Correct predictions whose true class was {@code k}; 0 for classes never seen. */
  public long correctCount(int k) {
    return k < classCount ? classCorrect[k] : 0;
  }

  /**
   * The M report bins, each the sum of its r fine bins.
   *
   * @throws IllegalStateException if the sketch is empty
   */
  public ReliabilityDiagram diagram() {
    requireNotEmpty();
    long[] n = new long[bins];
    double[] confidence = new double[bins];
    long[] correct = new long[bins];
    for (int f = 0; f < counts.length; f++) {
      int b = f / fineBinsPerBin;
      n[b] += counts[f];
      confidence[b] += confidenceSums[f];
      correct[b] += correctCounts[f];
    }
    return ReliabilityDiagram.fromSums(n, confidence, correct);
  }

  /** ECE over the M report bins; equals the batch ECE of the same rows (see class comment). */
  public double ece() {
    return diagram().ece();
  }

  /** ACE over M equal-mass bins estimated from the fine bins, with its error bound. */
  public AdaptiveCalibrationError.Approximation ace() {
    requireNotEmpty();
    return AdaptiveCalibrationError.approximate(counts, confidenceSums, correctCounts, bins);
  }

  /**
   * Bin-bootstrap interval for ECE; see {@link BootstrapInterval#ofEce(ReliabilityDiagram, int,
   * double, long)}.
   */
  public BootstrapInterval eceInterval(int resamples, double level, long seed) {
    return BootstrapInterval.ofEce(diagram(), resamples, level, seed);
  }

  /** Mean Brier score over the predictions that carried one; empty if none did. */
  public OptionalDouble brier() {
    return brierCount == 0 ? OptionalDouble.empty() : OptionalDouble.of(brierSum / brierCount);
  }

  /** Mean NLL over the predictions that carried one; empty if none did. */
  public OptionalDouble nll() {
    return nllCount == 0 ? OptionalDouble.empty() : OptionalDouble.of(nllSum / nllCount);
  }

  /** Predictions that contributed a Brier score. */
  public long brierCount() {
    return brierCount;
  }

  /** Predictions that contributed an NLL. */
  public long nllCount() {
    return nllCount;
  }

  /**
   * All metrics the sketch supports: ACE is the fine-bin estimate, the ECE interval the bin
   * bootstrap, and classwise ECE is absent (it needs every class's probability binned).
   *
   * @param options bins must equal this sketch's M; the bootstrap settings are used as given
   * @throws IllegalArgumentException if options asks for a different number of bins
   * @throws IllegalStateException if the sketch is empty
   */
  public CalibrationMetrics metrics(CalibrationOptions options) {
    return metrics(options, true);
  }

  /**
   * {@link #metrics} without the bootstrap interval, which costs most of their time: the interval
   * is {@link BootstrapInterval#notComputed}. For reports that are read live and replaced soon (the
   * monitor's provisional reports).
   */
  public CalibrationMetrics pointMetrics(CalibrationOptions options) {
    return metrics(options, false);
  }

  private CalibrationMetrics metrics(CalibrationOptions options, boolean interval) {
    if (options.bins() != bins) {
      throw new IllegalArgumentException(
          "sketch has " + bins + " bins, options ask for " + options.bins());
    }
    ReliabilityDiagram diagram = diagram();
    return new CalibrationMetrics(
        diagram.total(),
        diagram.accuracy(),
        diagram.meanConfidence(),
        diagram.ece(),
        ace().value(),
        diagram.mce(),
        diagram.mceWeighted(),
        diagram.bins(),
        interval
            ? BootstrapInterval.ofEce(diagram, options.resamples(), options.level(), options.seed())
            : BootstrapInterval.notComputed(options.level()),
        OptionalDouble.empty(),
        brier(),
        nll());
  }

  private void requireNotEmpty() {
    if (isEmpty()) {
      throw new IllegalStateException("the sketch is empty: no labelled predictions yet");
    }
  }

  /** Equal when shape, every count and every sum (bit for bit) are equal. */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CalibrationSketch other)) {
      return false;
    }
    return bins == other.bins
        && fineBinsPerBin == other.fineBinsPerBin
        && Arrays.equals(counts, other.counts)
        && Arrays.equals(confidenceSums, other.confidenceSums)
        && Arrays.equals(correctCounts, other.correctCounts)
        && Arrays.equals(classLabelled, 0, classCount, other.classLabelled, 0, other.classCount)
        && Arrays.equals(classCorrect, 0, classCount, other.classCorrect, 0, other.classCount)
        && Double.compare(brierSum, other.brierSum) == 0
        && brierCount == other.brierCount
        && Double.compare(nllSum, other.nllSum) == 0
        && nllCount == other.nllCount;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * bins + fineBinsPerBin) + Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "CalibrationSketch[bins=" + bins + "x" + fineBinsPerBin + ", n=" + count() + "]";
  }
}
