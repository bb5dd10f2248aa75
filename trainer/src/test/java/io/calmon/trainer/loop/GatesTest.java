package io.calmon.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GatesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void shouldActOnEachRequestOnceAndHonourTheCooldown() {
    RetrainGate gate = new RetrainGate(Duration.ofMinutes(10));
    assertTrue(gate.consider("r1", T0).isEmpty());
    RetrainGate.Skip duplicate = gate.consider("r1", T0.plusSeconds(3600)).orElseThrow();
    assertEquals(RetrainGate.SkipKind.DUPLICATE, duplicate.kind());
    assertTrue(duplicate.reason().contains("already handled"), duplicate.reason());
    RetrainGate.Skip cooling = gate.consider("r2", T0.plusSeconds(60)).orElseThrow();
    assertEquals(RetrainGate.SkipKind.COOLING_DOWN, cooling.kind());
    assertTrue(cooling.reason().contains("cooling down"), cooling.reason());
    assertTrue(gate.consider("r3", T0.plusSeconds(600)).isEmpty(), "cooldown over");
  }

  @Test
  void shouldPublishACandidateWithinTheMargins() {
    PublishGate gate = new PublishGate(0.02, 0.01);
    PublishGate.Evaluation current = new PublishGate.Evaluation(200, 0.80, 0.12);
    assertTrue(gate.judge(current, new PublishGate.Evaluation(200, 0.79, 0.04)).isEmpty());
  }

  @Test
  void shouldRejectACandidateThatLosesAccuracyOrCalibrationSayingWhy() {
    PublishGate gate = new PublishGate(0.02, 0.01);
    PublishGate.Evaluation current = new PublishGate.Evaluation(200, 0.80, 0.05);
    assertEquals(
        "accuracy would drop from 80.0% to 70.0% (more than 2.0 points) on 200 held-out examples",
        gate.judge(current, new PublishGate.Evaluation(200, 0.70, 0.04)).orElseThrow());
    assertEquals(
        "ECE would rise from 5.0% to 9.0% (more than 1.0 points) on 200 held-out examples",
        gate.judge(current, new PublishGate.Evaluation(200, 0.81, 0.09)).orElseThrow());
  }

  @Test
  void shouldNotJudgeOnTooFewHeldOutExamples() {
    PublishGate gate = new PublishGate(0.02, 0.01, 30);
    PublishGate.Evaluation current = new PublishGate.Evaluation(20, 0.80, 0.12);
    // A much better candidate on 20 examples is still not published: one example is 5 points.
    assertEquals(
        "only 20 held-out examples to judge on (at least 30 needed)",
        gate.judge(current, new PublishGate.Evaluation(20, 0.90, 0.02)).orElseThrow());
    assertTrue(gate.judge(current, new PublishGate.Evaluation(30, 0.90, 0.02)).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> new PublishGate(0.02, 0.01, -1));
  }
}
