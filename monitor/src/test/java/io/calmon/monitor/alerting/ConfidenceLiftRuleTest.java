package io.calmon.monitor.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationGrouping;
import io.calmon.schemas.CalibrationReport;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfidenceLiftRuleTest {
  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  private final ConfidenceLiftRule rule = new ConfidenceLiftRule(0.05, 100);

  @Test
  void shouldWarnAtTheThresholdOnATunedVersionsNewClassesWithEnoughPredictions() {
    Optional<Alert> alert = rule.evaluate(report(CalibrationGroup.NEW, 3, 0.05, 100));
    assertTrue(alert.isPresent());
    assertEquals(ConfidenceLiftRule.RULE, alert.get().getRule());
    assertEquals(0.05, alert.get().getObserved(), 1e-12);
    // The id is the version's: the same warning from another window or a replay.
    assertEquals(
        alert.get().getAlertId(),
        rule.evaluate(report(CalibrationGroup.NEW, 3, 0.3, 500)).get().getAlertId());
  }

  @Test
  void shouldStayQuietBelowTheBarOnTooFewPredictionsOnBaseClassesAndOnZeroShot() {
    assertTrue(rule.evaluate(report(CalibrationGroup.NEW, 3, 0.049, 100)).isEmpty());
    assertTrue(rule.evaluate(report(CalibrationGroup.NEW, 3, 0.3, 99)).isEmpty());
    assertTrue(rule.evaluate(report(CalibrationGroup.BASE, 3, 0.3, 500)).isEmpty());
    assertTrue(rule.evaluate(report(CalibrationGroup.ALL, 3, 0.3, 500)).isEmpty());
    assertTrue(rule.evaluate(report(CalibrationGroup.NEW, 0, 0.3, 500)).isEmpty());
    CalibrationReport byTruth = report(CalibrationGroup.NEW, 3, 0.3, 500);
    byTruth.setGrouping(CalibrationGrouping.TRUE_CLASS);
    assertTrue(rule.evaluate(byTruth).isEmpty(), "true-class groups need labels");
    CalibrationReport none = report(CalibrationGroup.NEW, 3, 0.3, 0);
    none.setConfidenceLift(null);
    assertTrue(rule.evaluate(none).isEmpty(), "predictions from scorers that do not send it");
    assertTrue(
        ConfidenceLiftRule.parse("off", 1)
            .evaluate(report(CalibrationGroup.NEW, 3, 0.9, 500))
            .isEmpty());
  }

  @Test
  void shouldParseAThresholdOrOff() {
    assertEquals(0.08, ConfidenceLiftRule.parse(" 0.08 ", 50).threshold());
    assertEquals(50, ConfidenceLiftRule.parse("0.08", 50).minPredictions());
    for (String bad : List.of("0", "1", "-0.1", "NaN", "lots", "")) {
      assertTrue(
          assertThrows(IllegalArgumentException.class, () -> ConfidenceLiftRule.parse(bad, 1))
              .getMessage()
              .contains("(0, 1)"),
          bad);
    }
  }

  private static CalibrationReport report(
      CalibrationGroup group, long version, double lift, long liftCount) {
    return CalibrationReport.newBuilder()
        .setDeployment("shop")
        .setPromptVersion(version)
        .setGroup(group)
        .setWindowStart(T0)
        .setWindowEnd(T0.plusSeconds(60))
        .setEmittedAt(T0.plusSeconds(30))
        .setFinal$(false)
        .setScoredCount(liftCount)
        .setLabelledCount(0)
        .setAccuracy(0)
        .setMeanConfidence(0)
        .setEce(0)
        .setEceCiLow(0)
        .setEceCiHigh(0)
        .setAce(0)
        .setMce(0)
        .setMceWeighted(0)
        .setBinCount(15)
        .setBins(List.of())
        .setLiftCount(liftCount)
        .setConfidenceLift(lift)
        .build();
  }
}
