package io.calmon.core.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CalibrationSketchTest {

  private static CalibrationSketch sketchOf(TopLabelRows rows, int from, int to, int bins) {
    CalibrationSketch sketch = new CalibrationSketch(bins);
    for (int i = from; i < to; i++) {
      sketch.add(rows.confidence(i), rows.correct(i));
    }
    return sketch;
  }

  @Test
  void shouldMatchBatchEceAndDiagramForTheSameRows() {
    SplittableRandom rng = new SplittableRandom(1);
    for (int grid : new int[] {0, 10, 15, 60}) {
      TopLabelRows rows = Rows.random(rng, 3000, grid);
      CalibrationSketch sketch = sketchOf(rows, 0, rows.size(), 15);
      ReliabilityDiagram batch = ReliabilityDiagram.of(rows, 15);
      ReliabilityDiagram fromSketch = sketch.diagram();
      for (int b = 0; b < 15; b++) {
        assertEquals(batch.count(b), fromSketch.count(b), "bin " + b + ", grid " + grid);
        assertEquals(batch.correctCount(b), fromSketch.correctCount(b));
      }
      assertEquals(batch.ece(), sketch.ece(), 1e-12);
      assertEquals(batch.mce(), fromSketch.mce(), 1e-12);
      assertEquals(batch.mceWeighted(), fromSketch.mceWeighted(), 1e-12);
      assertEquals(rows.accuracy(), fromSketch.accuracy(), 1e-15);
    }
  }

  @Test
  void shouldGiveTheBatchEceWhateverTheSplitsAndMergeOrder() {
    Random shuffler = new Random(42);
    SplittableRandom rng = new SplittableRandom(42);
    for (int trial = 0; trial < 100; trial++) {
      int n = 1 + rng.nextInt(1500);
      TopLabelRows rows = Rows.random(rng, n, trial % 2 == 0 ? 0 : 20);
      double batch = ExpectedCalibrationError.of(rows, 15);
      // Cut the rows at random points into parts, sketch each part, merge in a random order,
      // sometimes as a left fold, sometimes pairwise as a tree.
      List<Integer> cuts = new ArrayList<>(List.of(0, n));
      int parts = rng.nextInt(8);
      for (int p = 0; p < parts; p++) {
        cuts.add(rng.nextInt(n + 1));
      }
      Collections.sort(cuts);
      List<CalibrationSketch> sketches = new ArrayList<>();
      for (int p = 0; p + 1 < cuts.size(); p++) {
        sketches.add(sketchOf(rows, cuts.get(p), cuts.get(p + 1), 15));
      }
      Collections.shuffle(sketches, shuffler);
      CalibrationSketch merged = trial % 2 == 0 ? fold(sketches) : tree(sketches);
      assertEquals(n, merged.count());
      assertEquals(batch, merged.ece(), 1e-12, "trial " + trial);
    }
  }

  private static CalibrationSketch fold(List<CalibrationSketch> sketches) {
    CalibrationSketch acc = new CalibrationSketch(15);
    for (CalibrationSketch s : sketches) {
      acc = acc.merge(s);
    }
    return acc;
  }

  private static CalibrationSketch tree(List<CalibrationSketch> sketches) {
    List<CalibrationSketch> level = new ArrayList<>(sketches);
    while (level.size() > 1) {
      List<CalibrationSketch> next = new ArrayList<>();
      for (int i = 0; i < level.size(); i += 2) {
        next.add(i + 1 < level.size() ? level.get(i + 1).merge(level.get(i)) : level.get(i));
      }
      level = next;
    }
    return level.get(0);
  }

  @Test
  void shouldMergeCommutativelyAndAssociatively() {
    SplittableRandom rng = new SplittableRandom(9);
    TopLabelRows rows = Rows.random(rng, 900, 0);
    CalibrationSketch a = sketchOf(rows, 0, 300, 15);
    CalibrationSketch b = sketchOf(rows, 300, 600, 15);
    CalibrationSketch c = sketchOf(rows, 600, 900, 15);
    a.add(0.5, true, 3);
    b.add(0.5, false, 7);
    a.addBrier(0.25);
    c.addNegativeLogLikelihood(1.5);
    // Double addition is commutative bit for bit; reassociation may move the last bit.
    assertEquals(a.merge(b), b.merge(a));
    CalibrationSketch left = a.merge(b).merge(c);
    CalibrationSketch right = a.merge(b.merge(c));
    assertEquals(left.count(), right.count());
    assertEquals(left.ece(), right.ece(), 1e-12);
    assertEquals(left.labelledCount(7), right.labelledCount(7));
    assertEquals(left.brier(), right.brier());
    assertEquals(left.nll(), right.nll());
  }

  @Test
  void shouldLeaveMergeInputsUnchanged() {
    CalibrationSketch a = new CalibrationSketch(15);
    a.add(0.9, true, 0);
    CalibrationSketch b = new CalibrationSketch(15);
    b.add(0.4, false, 5);
    CalibrationSketch aBefore = a.copy();
    CalibrationSketch merged = a.merge(b);
    assertEquals(aBefore, a);
    assertEquals(1, b.count());
    assertEquals(2, merged.count());
    merged.add(0.1, true);
    assertEquals(1, a.count());
  }

  @Test
  void shouldAddAllInPlaceLikeMerge() {
    CalibrationSketch a = new CalibrationSketch(15);
    a.add(0.9, true, 1);
    CalibrationSketch b = new CalibrationSketch(15);
    b.add(0.3, false, 4);
    b.addBrier(0.5);
    CalibrationSketch merged = a.merge(b);
    CalibrationSketch target = a.copy();
    assertEquals(merged, target.addAll(b));
    assertEquals(2, target.count());
    assertEquals(1, b.count());
  }

  @Test
  void shouldCountPerTrueClass() {
    CalibrationSketch sketch = new CalibrationSketch(15);
    sketch.add(0.9, true, 2);
    sketch.add(0.6, false, 2);
    sketch.add(0.7, true, 0);
    assertEquals(3, sketch.classCount());
    assertEquals(2, sketch.labelledCount(2));
    assertEquals(1, sketch.correctCount(2));
    assertEquals(1, sketch.labelledCount(0));
    assertEquals(0, sketch.labelledCount(1));
    assertEquals(0, sketch.labelledCount(99));
  }

  @Test
  void shouldMatchBatchBrierAndNllFromProbabilityVectors() {
    double[][] p = {{0.8, 0.2}, {0.6, 0.4}, {0.3, 0.7}};
    int[] labels = {0, 1, 1};
    ProbabilityRows rows = new ProbabilityRows(labels, p);
    CalibrationSketch sketch = new CalibrationSketch(15);
    for (int i = 0; i < labels.length; i++) {
      sketch.add(p[i], labels[i]);
    }
    assertEquals(ProperScores.brier(rows), sketch.brier().getAsDouble(), 1e-15);
    assertEquals(ProperScores.nll(rows), sketch.nll().getAsDouble(), 1e-15);
    assertEquals(ExpectedCalibrationError.of(rows, 15), sketch.ece(), 1e-15);
    assertEquals(1, sketch.labelledCount(0));
    assertEquals(2, sketch.labelledCount(1));
    assertEquals(1, sketch.correctCount(1));
  }

  @Test
  void shouldReportNoBrierOrNllWhenNoneWasAdded() {
    CalibrationSketch sketch = new CalibrationSketch(15);
    sketch.add(0.5, true);
    assertFalse(sketch.brier().isPresent());
    assertFalse(sketch.nll().isPresent());
  }

  @Test
  void shouldKeepItsAceEstimateWithinTheBound() {
    SplittableRandom rng = new SplittableRandom(4);
    for (int trial = 0; trial < 30; trial++) {
      TopLabelRows rows =
          trial % 2 == 0 ? Rows.overconfident(rng, 2000) : Rows.random(rng, 2000, 0);
      CalibrationSketch sketch = sketchOf(rows, 0, rows.size(), 15);
      AdaptiveCalibrationError.Approximation ace = sketch.ace();
      double exact = AdaptiveCalibrationError.of(rows, 15);
      assertTrue(Math.abs(exact - ace.value()) <= ace.errorBound(), "trial " + trial);
    }
  }

  @Test
  void shouldProduceMetricsLikeTheBatchEvaluator() {
    TopLabelRows rows = Rows.random(new SplittableRandom(8), 4000, 0);
    CalibrationSketch sketch = sketchOf(rows, 0, rows.size(), 15);
    CalibrationOptions options = CalibrationOptions.defaults().withResamples(300);
    CalibrationMetrics fromSketch = sketch.metrics(options);
    CalibrationMetrics batch = CalibrationEvaluator.evaluate(rows, options);
    assertEquals(batch.n(), fromSketch.n());
    assertEquals(batch.ece(), fromSketch.ece(), 1e-12);
    assertEquals(batch.mce(), fromSketch.mce(), 1e-12);
    assertEquals(batch.bins().size(), fromSketch.bins().size());
    assertEquals(batch.ace(), fromSketch.ace(), sketch.ace().errorBound());
    // Bin bootstrap versus row bootstrap: the same spread to within a few thousandths here.
    assertEquals(batch.eceInterval().low(), fromSketch.eceInterval().low(), 0.01);
    assertEquals(batch.eceInterval().high(), fromSketch.eceInterval().high(), 0.01);
    assertThrows(IllegalArgumentException.class, () -> sketch.metrics(options.withBins(10)));
  }

  @Test
  void shouldGiveThePointMetricsWithoutDrawingAnInterval() {
    TopLabelRows rows = Rows.random(new SplittableRandom(9), 2000, 0);
    CalibrationSketch sketch = sketchOf(rows, 0, rows.size(), 15);
    CalibrationOptions options = CalibrationOptions.defaults().withResamples(300);

    CalibrationMetrics full = sketch.metrics(options);
    CalibrationMetrics point = sketch.pointMetrics(options);

    assertEquals(full.ece(), point.ece(), 0.0);
    assertEquals(full.mce(), point.mce(), 0.0);
    assertEquals(full.accuracy(), point.accuracy(), 0.0);
    assertEquals(full.bins(), point.bins());
    assertTrue(full.eceInterval().computed());
    assertEquals(new BootstrapInterval(0, 1, options.level(), 0), point.eceInterval());
    assertFalse(point.eceInterval().computed());
  }

  @Test
  void shouldRejectBadInputAndMismatchedShapes() {
    CalibrationSketch sketch = new CalibrationSketch(15);
    assertThrows(IllegalArgumentException.class, () -> sketch.add(Double.NaN, true));
    assertThrows(IllegalArgumentException.class, () -> sketch.add(1.01, true));
    assertThrows(IllegalArgumentException.class, () -> sketch.add(0.5, true, -1));
    assertThrows(IllegalArgumentException.class, () -> sketch.add(new double[] {0.5, 0.5}, 2));
    assertThrows(IllegalArgumentException.class, () -> sketch.addBrier(-0.1));
    assertThrows(IllegalArgumentException.class, () -> sketch.addNegativeLogLikelihood(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> sketch.merge(new CalibrationSketch(10)));
    assertThrows(IllegalArgumentException.class, () -> sketch.merge(new CalibrationSketch(15, 7)));
    assertThrows(IllegalArgumentException.class, () -> new CalibrationSketch(0));
    assertThrows(IllegalStateException.class, sketch::ece);
    assertEquals(0, sketch.count());
  }

  @Test
  void shouldRestoreFromItsPartsAndRefuseBrokenParts() {
    CalibrationSketch sketch = new CalibrationSketch(3, 2);
    sketch.add(new double[] {0.7, 0.2, 0.1}, 0);
    sketch.add(new double[] {0.1, 0.3, 0.6}, 1);
    sketch.add(0.95, true);
    int fine = sketch.fineBinCount();
    long[] counts = new long[fine];
    double[] sums = new double[fine];
    long[] correct = new long[fine];
    for (int f = 0; f < fine; f++) {
      counts[f] = sketch.fineCount(f);
      sums[f] = sketch.fineConfidenceSum(f);
      correct[f] = sketch.fineCorrect(f);
    }
    long[] labelled = {sketch.labelledCount(0), sketch.labelledCount(1)};
    long[] classCorrect = {sketch.correctCount(0), sketch.correctCount(1)};

    CalibrationSketch restored =
        CalibrationSketch.restore(
            3,
            2,
            counts,
            sums,
            correct,
            labelled,
            classCorrect,
            sketch.brierSum(),
            sketch.brierCount(),
            sketch.nllSum(),
            sketch.nllCount());

    assertEquals(sketch, restored);
    assertEquals(sketch.ece(), restored.ece(), 0.0);
    correct[fine - 1] = counts[fine - 1] + 1; // more correct than counted
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CalibrationSketch.restore(
                    3, 2, counts, sums, correct, labelled, classCorrect, 0, 0, 0, 0));
    assertTrue(e.getMessage().startsWith("fine bin " + (fine - 1)), e.getMessage());
  }
}
