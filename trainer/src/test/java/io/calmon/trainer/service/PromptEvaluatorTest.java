package io.calmon.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.trainer.loop.PublishGate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptEvaluatorTest {

  private static final float[][] TEXT = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  private static final List<String> CLASSES = List.of("cat", "dog", "bird");

  @Test
  void shouldScoreHeldOutExamplesOverTheFullClassSet() {
    Map<String, List<float[]>> heldOut = new LinkedHashMap<>();
    heldOut.put("cat", List.of(new float[] {2, 0, 0}, new float[] {0, 0, 3}));
    heldOut.put("bird", List.of(new float[] {0, 0, 1}));
    PublishGate.Evaluation e = PromptEvaluator.evaluate(CLASSES, TEXT, 100, 1, heldOut, 15);
    assertEquals(3, e.n());
    assertEquals(2.0 / 3, e.accuracy(), 1e-9);
    // Confidence ~1 on all three (scale 100): two right, one wrong -> ECE ~ 1/3.
    assertEquals(1.0 / 3, e.ece(), 1e-6);
  }

  @Test
  void shouldSoftenConfidenceWithTheTemperature() {
    Map<String, List<float[]>> heldOut = Map.of("cat", List.of(new float[] {1, 0.5f, 0}));
    PublishGate.Evaluation sharp = PromptEvaluator.evaluate(CLASSES, TEXT, 100, 1, heldOut, 15);
    PublishGate.Evaluation soft = PromptEvaluator.evaluate(CLASSES, TEXT, 100, 50, heldOut, 15);
    assertEquals(1.0, sharp.accuracy());
    assertEquals(1.0, soft.accuracy());
    // Always right: ECE = 1 - confidence, larger when the temperature flattens the softmax.
    assertTrue(soft.ece() > sharp.ece() + 0.1, sharp.ece() + " vs " + soft.ece());
  }

  @Test
  void shouldLeaveOutClassesMissingFromTheClassSet() {
    Map<String, List<float[]>> heldOut =
        Map.of("fish", List.of(new float[] {1, 0, 0}), "dog", List.of(new float[] {0, 1, 0}));
    PublishGate.Evaluation e = PromptEvaluator.evaluate(CLASSES, TEXT, 10, 1, heldOut, 15);
    assertEquals(1, e.n());
    assertEquals(1.0, e.accuracy());
  }

  @Test
  void shouldFitTheTemperatureOverTheServedClassSet() {
    // Base classes cat and dog are told apart easily; the new class bird is often taken for them.
    Map<String, List<float[]>> heldOut = new LinkedHashMap<>();
    heldOut.put("cat", List.of(new float[] {1, 0.1f, 0}, new float[] {0.9f, 0.2f, 0.1f}));
    heldOut.put("dog", List.of(new float[] {0.1f, 1, 0}, new float[] {0.2f, 0.8f, 0.1f}));
    heldOut.put(
        "bird",
        List.of(
            new float[] {0.6f, 0.1f, 0.4f},
            new float[] {0.1f, 0.1f, 1},
            new float[] {0.2f, 0.6f, 0.5f}));
    double scale = 10;
    double served = PromptEvaluator.fitTemperature(CLASSES, TEXT, scale, heldOut);

    // Independent reference: the negative log-likelihood over all three classes, minimised on a
    // fine grid of temperatures.
    double best = Double.NaN;
    double bestNll = Double.POSITIVE_INFINITY;
    for (double logT = -3; logT <= 3; logT += 1e-4) {
      double nll = servedNll(heldOut, scale, Math.exp(logT));
      if (nll < bestNll) {
        bestNll = nll;
        best = Math.exp(logT);
      }
    }
    assertEquals(best, served, best * 1e-3);

    // The fit over the base classes alone (the old behaviour) calibrates a softmax that is never
    // served: it is far from the served optimum and worse on the served softmax.
    double baseOnly =
        PromptEvaluator.fitTemperature(
            List.of("cat", "dog"), new float[][] {TEXT[0], TEXT[1]}, scale, heldOut);
    assertTrue(Math.abs(Math.log(baseOnly / served)) > 0.3, baseOnly + " vs " + served);
    assertTrue(servedNll(heldOut, scale, baseOnly) > servedNll(heldOut, scale, served) + 0.01);
  }

  /** Mean NLL of the held-out examples under softmax over CLASSES of scale * cos / t. */
  private static double servedNll(Map<String, List<float[]>> heldOut, double scale, double t) {
    double sum = 0;
    int n = 0;
    for (int c = 0; c < CLASSES.size(); c++) {
      for (float[] x : heldOut.getOrDefault(CLASSES.get(c), List.of())) {
        double norm = Math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
        double[] z = new double[3];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < 3; k++) {
          z[k] = scale / t * x[k] / norm; // TEXT is the identity: cos = x[k] / |x|
          max = Math.max(max, z[k]);
        }
        double lse = 0;
        for (double v : z) {
          lse += Math.exp(v - max);
        }
        sum += max + Math.log(lse) - z[c];
        n++;
      }
    }
    return sum / n;
  }

  @Test
  void shouldReportNoExamplesAsNaN() {
    PublishGate.Evaluation e = PromptEvaluator.evaluate(CLASSES, TEXT, 10, 1, Map.of(), 15);
    assertEquals(0, e.n());
    assertTrue(Double.isNaN(e.accuracy()));
  }
}
