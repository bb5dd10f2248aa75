package io.calmon.core.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CalibrationEvaluatorTest {

  @Test
  void shouldReportEveryMetricForProbabilityRows() {
    // K = 2: r0 y=0 [0.8, 0.2] (correct, 0.8); r1 y=1 [0.6, 0.4] (wrong, 0.6);
    // r2 y=1 [0.3, 0.7] (correct, 0.7). M = 2: all in bin (0.5, 1]: conf 0.7, acc 2/3,
    // ECE = MCE = 1/30, weighted MCE 1/30. ACE with 2 groups (sizes 2, 1), sorted 0.6 F, 0.7 T,
    // 0.8 T: |1 - 1.3| + |1 - 0.8| = 0.5, / 3 = 1/6.
    ProbabilityRows rows =
        new ProbabilityRows(
            new int[] {0, 1, 1}, new double[][] {{0.8, 0.2}, {0.6, 0.4}, {0.3, 0.7}});
    CalibrationMetrics m =
        CalibrationEvaluator.evaluate(rows, CalibrationOptions.defaults().withBins(2));
    assertEquals(3, m.n());
    assertEquals(2.0 / 3.0, m.accuracy(), 1e-15);
    assertEquals(0.7, m.meanConfidence(), 1e-15);
    assertEquals(1.0 / 30.0, m.ece(), 1e-15);
    assertEquals(1.0 / 30.0, m.mce(), 1e-15);
    assertEquals(1.0 / 30.0, m.mceWeighted(), 1e-15);
    assertEquals(1.0 / 6.0, m.ace(), 1e-15);
    assertEquals(2, m.bins().size());
    assertEquals(0, m.bins().get(0).count());
    assertEquals(7.0 / 30.0, m.classwiseEce().getAsDouble(), 1e-15);
    assertEquals(0.98 / 3.0, m.brier().getAsDouble(), 1e-15);
    assertTrue(m.nll().isPresent());
    assertTrue(m.eceInterval().low() <= m.eceInterval().high());
  }

  @Test
  void shouldLeaveVectorMetricsOutForTopLabelRows() {
    CalibrationMetrics m =
        CalibrationEvaluator.evaluate(Rows.top(0.9, 1, 0.8, 0), CalibrationOptions.defaults());
    assertFalse(m.classwiseEce().isPresent());
    assertFalse(m.brier().isPresent());
    assertFalse(m.nll().isPresent());
    assertEquals(15, m.bins().size());
  }

  @Test
  void shouldRejectNoRowsAndBadOptions() {
    assertThrows(
        IllegalArgumentException.class,
        () -> CalibrationEvaluator.evaluate(Rows.top(), CalibrationOptions.defaults()));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> CalibrationOptions.defaults().withBins(0));
    assertTrue(e.getMessage().contains("got 0"));
  }
}
