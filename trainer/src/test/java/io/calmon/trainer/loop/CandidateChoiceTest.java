package io.calmon.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.trainer.loop.CandidateChoice.Decision;
import io.calmon.trainer.loop.CandidateChoice.Kind;
import io.calmon.trainer.loop.PublishGate.Evaluation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CandidateChoiceTest {

  private static final PublishGate GATE = new PublishGate(0.02, 0.01);
  private static final Evaluation CURRENT = new Evaluation(100, 0.50, 0.20);

  @Test
  void shouldPublishTheRetunedCandidateWhenTheGateLetsIt() {
    Decision d =
        CandidateChoice.choose(
            GATE,
            CURRENT,
            new Evaluation(100, 0.55, 0.05),
            Optional.of(new Evaluation(100, 0.50, 0.02)));
    assertEquals(Kind.RETUNED, d.kind());
    assertTrue(d.reason().isEmpty());
  }

  @Test
  void shouldPublishTheRecalibratedVersionWhenRetuningLosesAccuracyButRecalibrationLowersEce() {
    // The noise drift of the demo: a context retuned on a few noisy shots loses accuracy; the
    // served one with a softer temperature keeps it and is calibrated again.
    Decision d =
        CandidateChoice.choose(
            GATE,
            CURRENT,
            new Evaluation(100, 0.40, 0.05),
            Optional.of(new Evaluation(100, 0.50, 0.04)));
    assertEquals(Kind.RECALIBRATED, d.kind());
    assertTrue(d.reason().isEmpty());
  }

  @Test
  void shouldPublishNothingWhenRecalibrationDoesNotLowerTheEce() {
    Decision d =
        CandidateChoice.choose(
            GATE,
            CURRENT,
            new Evaluation(100, 0.40, 0.05),
            Optional.of(new Evaluation(100, 0.50, 0.20)));
    assertEquals(Kind.NONE, d.kind());
    String reason = d.reason().orElseThrow();
    assertTrue(reason.startsWith("accuracy would drop from 50.0% to 40.0%"), reason);
    assertTrue(
        reason.endsWith("refitting the served version's temperature: ECE 20.0% -> 20.0%, no lower"),
        reason);
  }

  @Test
  void shouldPublishNothingWhenTheRecalibratedVersionFailsTheGate() {
    // A refitted temperature never changes the top label, but ties can: the gate still applies.
    Decision d =
        CandidateChoice.choose(
            GATE,
            CURRENT,
            new Evaluation(100, 0.40, 0.05),
            Optional.of(new Evaluation(100, 0.45, 0.02)));
    assertEquals(Kind.NONE, d.kind());
    assertTrue(d.reason().orElseThrow().contains("to 45.0%"), d.reason().get());
  }

  @Test
  void shouldRejectWithTheRetunedReasonWhenNothingTunedIsServed() {
    Decision d =
        CandidateChoice.choose(GATE, CURRENT, new Evaluation(100, 0.50, 0.25), Optional.empty());
    assertEquals(Kind.NONE, d.kind());
    assertTrue(d.reason().orElseThrow().startsWith("ECE would rise from 20.0% to 25.0%"));
  }

  @Test
  void shouldRejectWhenThereIsNoHeldOutData() {
    Decision d =
        CandidateChoice.choose(
            GATE,
            new Evaluation(0, Double.NaN, Double.NaN),
            new Evaluation(0, Double.NaN, Double.NaN),
            Optional.empty());
    assertEquals(Kind.NONE, d.kind());
    assertEquals("no held-out examples of the class set's classes yet", d.reason().orElseThrow());
  }

  @Test
  void shouldSplitHeldOutExamplesAlternatelyClassAfterClass() {
    float[] a = {1}, b = {2}, c = {3}, d = {4}, e = {5};
    Map<String, List<float[]>> heldOut = new java.util.LinkedHashMap<>();
    heldOut.put("cat", List.of(a, b, c));
    heldOut.put("dog", List.of(d));
    heldOut.put("owl", List.of(e));
    HeldOutSplit s = HeldOutSplit.of(heldOut);
    assertEquals(List.of(a, c), s.fit().get("cat"));
    assertEquals(List.of(b), s.judge().get("cat"));
    // The alternation goes on across classes: a class's single example may judge.
    assertEquals(List.of(d), s.judge().get("dog"));
    assertTrue(!s.fit().containsKey("dog"), "one example is in one half only");
    assertEquals(List.of(e), s.fit().get("owl"));
  }

  @Test
  void shouldJudgeOnHalfTheExamplesHoweverTheyAreSpreadOverClasses() {
    // 60 recent examples over 40 classes, 20 with two and 20 with one: alternating within each
    // class would judge on 20 of them.
    Map<String, List<float[]>> heldOut = new java.util.LinkedHashMap<>();
    for (int c = 0; c < 40; c++) {
      heldOut.put(
          "class " + c,
          c < 20 ? List.of(new float[] {c}, new float[] {c}) : List.of(new float[] {c}));
    }
    HeldOutSplit s = HeldOutSplit.of(heldOut);
    assertEquals(30, s.judge().values().stream().mapToInt(List::size).sum());
    assertEquals(30, s.fit().values().stream().mapToInt(List::size).sum());
    for (int c = 0; c < 20; c++) {
      assertTrue(
          s.fit().containsKey("class " + c) && s.judge().containsKey("class " + c),
          "a class with two examples is in both halves");
    }
  }
}
