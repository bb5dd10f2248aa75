package io.calmon.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.core.calibration.ExpectedCalibrationError;
import io.calmon.core.calibration.ReliabilityDiagram;
import io.calmon.core.calibration.TopLabelRows;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.ReliabilityBin;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PooledBinsTest {

  @Test
  void shouldGiveTheEceOfAllRowsOfThePooledWindows() {
    double[] c1 = {0.95, 0.91, 0.85, 0.72, 0.66};
    boolean[] k1 = {true, false, true, true, false};
    double[] c2 = {0.55, 0.45, 0.99, 0.88, 0.61, 0.3};
    boolean[] k2 = {true, false, true, true, false, false};
    PooledBins pool = new PooledBins(10);
    pool.add(report(c1, k1));
    pool.add(report(c2, k2));

    double[] all = concat(c1, c2);
    boolean[] correct = new boolean[k1.length + k2.length];
    System.arraycopy(k1, 0, correct, 0, k1.length);
    System.arraycopy(k2, 0, correct, k1.length, k2.length);
    assertEquals(
        ExpectedCalibrationError.of(new TopLabelRows(all, correct), 10), pool.ece(), 1e-12);
    assertEquals(11, pool.count());
    assertEquals(6.0 / 11, pool.accuracy(), 1e-12);
  }

  @Test
  void shouldBeNanWhenEmptyAndRefuseOtherBinCounts() {
    PooledBins pool = new PooledBins(10);
    assertTrue(Double.isNaN(pool.ece()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new PooledBins(5).add(report(new double[] {0.5}, new boolean[] {true})));
  }

  private static double[] concat(double[] a, double[] b) {
    double[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static CalibrationReport report(double[] confidences, boolean[] correct) {
    ReliabilityDiagram diagram = ReliabilityDiagram.of(new TopLabelRows(confidences, correct), 10);
    List<ReliabilityBin> bins =
        diagram.bins().stream()
            .map(
                b ->
                    new ReliabilityBin(
                        b.lower(), b.upper(), b.count(), b.confidence(), b.accuracy()))
            .toList();
    return CalibrationReport.newBuilder()
        .setDeployment("default")
        .setPromptVersion(1)
        .setGroup(CalibrationGroup.NEW)
        .setWindowStart(Instant.EPOCH)
        .setWindowEnd(Instant.EPOCH)
        .setEmittedAt(Instant.EPOCH)
        .setFinal$(true)
        .setScoredCount(confidences.length)
        .setLabelledCount(confidences.length)
        .setAccuracy(0)
        .setMeanConfidence(0)
        .setEce(diagram.ece())
        .setEceCiLow(0)
        .setEceCiHigh(0)
        .setAce(0)
        .setMce(0)
        .setMceWeighted(0)
        .setBinCount(10)
        .setBins(bins)
        .build();
  }
}
