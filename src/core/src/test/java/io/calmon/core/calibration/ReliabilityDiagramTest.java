package io.calmon.core.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** ECE, MCE and the reliability diagram, against cases worked out by hand. */
class ReliabilityDiagramTest {

  // Seven rows, M = 5 (bins (0,.2], (.2,.4], (.4,.6], (.6,.8], (.8,1]):
  //   bin 0: 0.0 F, 0.1 F, 0.2 T -> n 3, conf 0.1, acc 1/3, gap 7/30
  //   bin 1: 0.3 T               -> n 1, conf 0.3, acc 1,   gap 0.7
  //   bin 2: 0.5 F               -> n 1, conf 0.5, acc 0,   gap 0.5
  //   bin 3: empty
  //   bin 4: 0.9 T, 1.0 T        -> n 2, conf 0.95, acc 1,  gap 0.05
  // ECE = (3/7)(7/30) + (1/7)(0.7) + (1/7)(0.5) + (2/7)(0.05) = (0.7 + 0.7 + 0.5 + 0.1) / 7 = 2/7
  // MCE = 0.7; weighted MCE = max(0.1, 0.1, 0.5/7, 0.1/7) = 0.1
  private static final TopLabelRows SEVEN =
      Rows.top(0.1, 0, 0.2, 1, 0.3, 1, 0.5, 0, 0.9, 1, 1.0, 1, 0.0, 0);

  @Test
  void shouldComputeEceByHand() {
    assertEquals(2.0 / 7.0, ExpectedCalibrationError.of(SEVEN, 5), 1e-15);
  }

  @Test
  void shouldComputeBothMceFormsByHand() {
    assertEquals(0.7, MaximumCalibrationError.of(SEVEN, 5), 1e-15);
    assertEquals(0.1, MaximumCalibrationError.weighted(SEVEN, 5), 1e-15);
  }

  @Test
  void shouldListAllBinsIncludingEmptyOnes() {
    List<ReliabilityBin> bins = ReliabilityDiagram.of(SEVEN, 5).bins();
    assertEquals(5, bins.size());
    assertEquals(new ReliabilityBin(0.0, 0.2, 3, 0.1, 1.0 / 3.0), round(bins.get(0)));
    assertEquals(new ReliabilityBin(0.2, 0.4, 1, 0.3, 1.0), bins.get(1));
    assertEquals(new ReliabilityBin(0.4, 0.6, 1, 0.5, 0.0), bins.get(2));
    assertEquals(new ReliabilityBin(0.6, 0.8, 0, 0.0, 0.0), bins.get(3));
    assertEquals(0.95, bins.get(4).confidence(), 1e-15);
    assertEquals(2, bins.get(4).count());
    assertEquals(1.0, bins.get(4).upper());
  }

  private static ReliabilityBin round(ReliabilityBin b) {
    // (0.1 + 0.2 + 0.0) / 3 is 0.10000000000000002 in doubles.
    return new ReliabilityBin(
        b.lower(), b.upper(), b.count(), Math.round(b.confidence() * 1e12) / 1e12, b.accuracy());
  }

  @Test
  void shouldBeZeroWhenAllCorrectAtFullConfidence() {
    TopLabelRows rows = Rows.top(1.0, 1, 1.0, 1, 1.0, 1);
    assertEquals(0.0, ExpectedCalibrationError.of(rows, 15));
    assertEquals(0.0, MaximumCalibrationError.of(rows, 15));
  }

  @Test
  void shouldEqualMeanConfidenceWhenAllWrong() {
    // All wrong: every gap is conf_b, so ECE = sum (n_b/N) conf_b = mean confidence = 0.5.
    TopLabelRows rows = Rows.top(0.2, 0, 0.5, 0, 0.8, 0);
    assertEquals(0.5, ExpectedCalibrationError.of(rows, 15), 1e-15);
    assertEquals(0.8, MaximumCalibrationError.of(rows, 15), 1e-15);
    assertEquals(0.8 / 3, MaximumCalibrationError.weighted(rows, 15), 1e-15);
  }

  @Test
  void shouldCountZeroConfidenceAsFullyCalibratedWhenWrong() {
    TopLabelRows rows = Rows.top(0.0, 0);
    assertEquals(0.0, ExpectedCalibrationError.of(rows, 15));
    assertEquals(1, ReliabilityDiagram.of(rows, 15).count(0));
  }

  @Test
  void shouldHandleASingleRow() {
    // One row, conf 0.75, correct: ECE = |1 - 0.75| = 0.25, in bin 11 of 15 ((11/15, 12/15]).
    TopLabelRows rows = Rows.top(0.75, 1);
    ReliabilityDiagram diagram = ReliabilityDiagram.of(rows, 15);
    assertEquals(0.25, diagram.ece(), 1e-15);
    assertEquals(0.25, diagram.mce(), 1e-15);
    assertEquals(0.25, diagram.mceWeighted(), 1e-15);
    assertEquals(1, diagram.count(11));
    assertEquals(1.0, diagram.accuracy());
  }

  @Test
  void shouldBinExactEdgesIntoTheLowerBin() {
    // M = 5: 0.2 goes to bin 0 with 0.1, 0.4 to bin 1 with 0.3.
    // bin 0: 0.1 T, 0.2 F -> conf 0.15, acc 0.5, gap 0.35; bin 1: 0.3 F, 0.4 T -> conf 0.35,
    // acc 0.5, gap 0.15. ECE = 0.5 * 0.35 + 0.5 * 0.15 = 0.25.
    // (Putting 0.2 in bin 1 would give bins {0.1 T}, {0.2 F, 0.3 F, 0.4 T}: ECE 0.25 too, so
    // check the counts as well.)
    TopLabelRows rows = Rows.top(0.1, 1, 0.2, 0, 0.3, 0, 0.4, 1);
    ReliabilityDiagram diagram = ReliabilityDiagram.of(rows, 5);
    assertEquals(2, diagram.count(0));
    assertEquals(2, diagram.count(1));
    assertEquals(0.25, diagram.ece(), 1e-15);
  }

  @Test
  void shouldAgreeWithSumsGivenDirectly() {
    ReliabilityDiagram direct =
        ReliabilityDiagram.fromSums(
            new long[] {3, 1, 1, 0, 2},
            new double[] {0.3, 0.3, 0.5, 0.0, 1.9},
            new long[] {1, 1, 0, 0, 2});
    assertEquals(2.0 / 7.0, direct.ece(), 1e-15);
    assertEquals(7, direct.total());
  }

  @Test
  void shouldRejectNoRowsAndBadBinCounts() {
    assertThrows(IllegalArgumentException.class, () -> ReliabilityDiagram.of(Rows.top(), 15));
    assertThrows(IllegalArgumentException.class, () -> ReliabilityDiagram.of(SEVEN, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReliabilityDiagram.fromSums(new long[] {1}, new double[] {0.5}, new long[] {2}));
  }
}
