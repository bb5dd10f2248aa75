package io.calmon.monitor.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.TextShift;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TextDivergenceRuleTest {

  @Test
  void shouldFireAtTheThresholdAndNotBelowIt() {
    TextDivergenceRule rule = new TextDivergenceRule(2);
    assertTrue(rule.evaluate(health(1, 1, 10, 0.5, 0.25)).isPresent(), "exactly 2x fires");
    assertFalse(rule.evaluate(health(1, 1, 10, 0.4999, 0.25)).isPresent());
    assertFalse(TextDivergenceRule.off().evaluate(health(1, 1, 10, 2, 0.2)).isPresent());
  }

  @Test
  void shouldNeverFireWithoutPairsOfNewClasses() {
    TextDivergenceRule rule = new TextDivergenceRule(1e-9);
    assertFalse(rule.evaluate(health(1, 1, 1, 0, 0)).isPresent(), "one new class: no pairs");
    PromptHealth none = health(1, 1, 10, 0.3, 0.2);
    none.setNewClasses(null);
    assertFalse(rule.evaluate(none).isPresent(), "no new class served");
  }

  @Test
  void shouldGiveTheSameIdToTheSameVersionAndClassSet() {
    TextDivergenceRule rule = new TextDivergenceRule(1.1);
    assertEquals(
        rule.evaluate(health(3, 2, 10, 0.3, 0.2)).orElseThrow().getAlertId(),
        rule.evaluate(health(3, 2, 10, 0.31, 0.2)).orElseThrow().getAlertId());
    assertTrue(
        !rule.evaluate(health(3, 2, 10, 0.3, 0.2))
            .orElseThrow()
            .getAlertId()
            .equals(rule.evaluate(health(3, 3, 10, 0.3, 0.2)).orElseThrow().getAlertId()));
  }

  @Test
  void shouldTakeOnlyALaterVersionOrALaterClassSetOfTheSameVersion() {
    PromptHealth last = health(2, 5, 10, 0.3, 0.2);
    assertTrue(TextDivergenceRule.supersedes(null, last));
    assertTrue(TextDivergenceRule.supersedes(last, health(3, 1, 10, 0.3, 0.2)));
    assertTrue(TextDivergenceRule.supersedes(last, health(2, 6, 10, 0.3, 0.2)));
    assertFalse(TextDivergenceRule.supersedes(last, health(2, 5, 10, 0.3, 0.2)), "a copy");
    assertFalse(TextDivergenceRule.supersedes(last, health(1, 9, 10, 0.3, 0.2)), "older");
  }

  @Test
  void shouldParseARatioOrOffAndRefuseTheRest() {
    assertEquals(1.25, TextDivergenceRule.parse(" 1.25 ").ratioThreshold());
    assertFalse(TextDivergenceRule.parse("OFF").isOn());
    for (String bad : new String[] {"0", "-1", "NaN", "Infinity", "high", ""}) {
      assertThrows(IllegalArgumentException.class, () -> TextDivergenceRule.parse(bad), bad);
    }
  }

  private static PromptHealth health(
      long version, long classSet, int classes, double divergence, double zeroShot) {
    return PromptHealth.newBuilder()
        .setDeployment("shop")
        .setPromptVersion(version)
        .setClassSetVersion(classSet)
        .setMethod("coop")
        .setMeasuredAt(Instant.EPOCH)
        .setMeasuredBy("s-0")
        .setNewClasses(new TextShift(classes, divergence, zeroShot, 0.1, 0.1, 0.05))
        .build();
  }
}
