package io.calmon.tuning.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.core.calibration.TopLabelRows;
import io.calmon.tuning.eval.Base2NewEvaluation.MethodResult;
import io.calmon.tuning.eval.Base2NewEvaluation.SeedResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the base-to-new harness: spread over seeds and pooled rows. */
class Base2NewEvaluationTest {

  private static SeedResult seed(long seed, double base) {
    // Every figure differs so that a field mix-up shows: field i is base + i / 100.
    return new SeedResult(
        seed,
        base,
        base + 0.01,
        base + 0.02,
        base + 0.03,
        base + 0.04,
        base + 0.05,
        base + 0.06,
        base + 0.07,
        base + 0.08);
  }

  private static double[] figures(SeedResult s) {
    return new double[] {
      s.baseAcc(),
      s.newAcc(),
      s.h(),
      s.baseEce(),
      s.newEce(),
      s.baseAce(),
      s.newAce(),
      s.baseMce(),
      s.newMce()
    };
  }

  private static MethodResult method(List<SeedResult> seeds) {
    TopLabelRows none = new TopLabelRows(new double[0], new boolean[0]);
    return new MethodResult("coop", SeedResult.mean(seeds), seeds, none, none);
  }

  @Test
  void shouldGiveTheSampleStandardDeviationOfEveryFigureOverTwoSeeds() {
    // Two seeds 0.04 apart: mean 0.22 + i/100, sample std |a - b| / sqrt(2) = 0.0282843.
    MethodResult r = method(List.of(seed(1, 0.20), seed(2, 0.24)));
    double[] mean = figures(r.mean());
    double[] std = figures(r.std());
    for (int i = 0; i < 9; i++) {
      assertEquals(0.22 + i / 100.0, mean[i], 1e-12, "mean " + i);
      assertEquals(0.04 / Math.sqrt(2), std[i], 1e-12, "std " + i);
    }
    assertEquals(-1, r.std().seed());
  }

  @Test
  void shouldDivideByNMinusOneOverThreeSeeds() {
    // 0.1, 0.2, 0.6: mean 0.3, squared deviations 0.04 + 0.01 + 0.09 = 0.14, / 2 = 0.07.
    MethodResult r = method(List.of(seed(1, 0.1), seed(2, 0.2), seed(3, 0.6)));
    assertEquals(Math.sqrt(0.07), r.std().baseAcc(), 1e-12);
    assertEquals(Math.sqrt(0.07), r.std().newMce(), 1e-12);
  }

  @Test
  void shouldGiveNoSpreadForOneSeed() {
    MethodResult r = method(List.of(seed(7, 0.5)));
    for (double v : figures(r.std())) {
      assertEquals(0.0, v);
    }
  }

  @Test
  void shouldPoolRowsInSeedOrder() {
    TopLabelRows a = new TopLabelRows(new double[] {0.9, 0.4}, new boolean[] {true, false});
    TopLabelRows b = new TopLabelRows(new double[] {0.7}, new boolean[] {true});
    TopLabelRows pooled = Base2NewEvaluation.pooled(List.of(a, b));
    assertEquals(3, pooled.size());
    assertEquals(0.7, pooled.confidence(2));
    assertTrue(pooled.correct(0));
    assertTrue(!pooled.correct(1));
    assertEquals(2.0 / 3, pooled.accuracy(), 1e-12);
  }

  @Test
  void shouldComputeTheSameMetricsFromRowsAsFromLogits() {
    double[][] logits = {{2, 1, 0}, {0, 3, 1}, {1, 1, 4}, {0.5, 0, 0}};
    int[] labels = {0, 2, 2, 1};
    TopLabelRows rows = ClassifierMetrics.rows(logits, labels);
    assertEquals(ClassifierMetrics.of(logits, labels, 5), ClassifierMetrics.of(rows, 5));
    assertEquals(0.5, rows.accuracy());
    double e = Math.exp(1);
    assertEquals(e * e / (e * e + e + 1), rows.confidence(0), 1e-12);
  }

  @Test
  void shouldLiftTheTunedConfidenceOverZeroShotsProbabilityOfTheSameClass() {
    // Image 1: tuned softmax(ln 3, 0) = (0.75, 0.25) predicts class 0; zero-shot logits (0, 0)
    // give it 0.5. Image 2: tuned softmax(0, ln 9) = (0.1, 0.9) predicts class 1; zero-shot
    // softmax(ln 3, 0) gives class 1 0.25. Lift = (0.75 + 0.9 - 0.5 - 0.25) / 2 = 0.45.
    double[][] tuned = {{Math.log(3), 0}, {0, Math.log(9)}};
    double[][] zeroShot = {{0, 0}, {Math.log(3), 0}};
    assertEquals(0.45, ClassifierMetrics.lift(tuned, zeroShot).lift(), 1e-12);
    assertEquals(0.375, ClassifierMetrics.lift(tuned, zeroShot).zeroShotAccuracy(), 1e-12);
    assertEquals(0.0, ClassifierMetrics.lift(zeroShot, zeroShot).lift(), 1e-12);
  }
}
