package io.calmon.clip.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.calmon.clip.ClipModel;
import io.calmon.clip.Golden;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * d(loss)/d(ctx) through the text encoder, as prompt tuning needs it, against central finite
 * differences. DJL cannot switch this model to float64, so epsilon and tolerance are chosen for
 * float32: truncation error O(eps^2) and rounding error O(1e-7 / eps) are both below 1e-3 relative.
 */
class TextGradientTest {

  private static final int N_CTX = 4;

  @Test
  void shouldGiveContextGradientsThatMatchFiniteDifferences() {
    try (ClipModel model = ClipModel.load(Golden.path("tiny"));
        NDManager m = model.manager().newSubManager()) {
      TextEncoder text = model.textEncoder();
      Random random = new Random(7);
      float[] ctxValues = new float[N_CTX * 32];
      for (int i = 0; i < ctxValues.length; i++) {
        ctxValues[i] = (float) random.nextGaussian();
      }
      float[] weights = new float[3 * 24];
      for (int i = 0; i < weights.length; i++) {
        weights[i] = (float) random.nextGaussian();
      }
      NDArray lossWeights = m.create(weights, new Shape(3, 24));
      NDArray ids = m.create(new long[][] {{42, 26, 26, 26, 26, 5, 27, 43, 0, 0}});
      ids = ids.repeat(0, 3);
      ids.set(new NDIndex("1, 5"), 6);
      ids.set(new NDIndex("2, 6"), 43);
      ids.set(new NDIndex("2, 7"), 0);
      NDArray emb = text.embedTokens(ids);
      int[] eot = TextEncoder.endOfTextPositions(ids);

      NDArray ctx = m.create(ctxValues, new Shape(N_CTX, 32));
      ctx.setRequiresGradient(true);
      float[] analytic;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray loss = loss(text, emb, ctx, eot, lossWeights);
        collector.backward(loss);
        analytic = ctx.getGradient().toFloatArray();
      }

      double eps = 1e-2;
      double maxAnalytic = 0;
      for (float g : analytic) {
        maxAnalytic = Math.max(maxAnalytic, Math.abs(g));
      }
      assertTrue(maxAnalytic > 1e-3, "gradient is (nearly) zero: " + maxAnalytic);
      for (int i = 0; i < ctxValues.length; i += 7) {
        float[] plus = ctxValues.clone();
        float[] minus = ctxValues.clone();
        plus[i] += (float) eps;
        minus[i] -= (float) eps;
        double lp =
            loss(text, emb, m.create(plus, new Shape(N_CTX, 32)), eot, lossWeights).getFloat();
        double lm =
            loss(text, emb, m.create(minus, new Shape(N_CTX, 32)), eot, lossWeights).getFloat();
        double numeric = (lp - lm) / (2 * eps);
        double err = Math.abs(numeric - analytic[i]);
        assertTrue(
            err <= 1e-2 * maxAnalytic,
            "ctx[" + i + "]: analytic " + analytic[i] + ", numeric " + numeric);
      }
    }
  }

  @Test
  void shouldGiveTheSameGradientWhenGarbageIsCollectedBeforeBackward() {
    // The flaky NaN of prompt tuning: constants inside the encoder (the attention scale, the
    // quick-GELU factor, the end-of-text selector) were freed by a collection before backward.
    try (ClipModel model = ClipModel.load(Golden.path("tiny"));
        NDManager m = model.manager().newSubManager()) {
      TextEncoder text = model.textEncoder();
      Random random = new Random(3);
      float[] ctxValues = new float[N_CTX * 32];
      for (int i = 0; i < ctxValues.length; i++) {
        ctxValues[i] = (float) random.nextGaussian();
      }
      NDArray lossWeights = m.create(new float[3 * 24], new Shape(3, 24)).add(1f);
      NDArray ids = m.create(new long[][] {{42, 26, 26, 26, 26, 5, 27, 43, 0, 0}}).repeat(0, 3);
      ids.set(new NDIndex("2, 6"), 43);
      ids.set(new NDIndex("2, 7"), 0);
      NDArray emb = text.embedTokens(ids);
      int[] eot = TextEncoder.endOfTextPositions(ids);
      float[] quiet = gradient(text, emb, m, ctxValues, eot, lossWeights, false);
      float[] collected = gradient(text, emb, m, ctxValues, eot, lossWeights, true);
      assertArrayEquals(quiet, collected);
    }
  }

  private static float[] gradient(
      TextEncoder text,
      NDArray emb,
      NDManager m,
      float[] ctxValues,
      int[] eot,
      NDArray lossWeights,
      boolean collectBeforeBackward) {
    try (NDManager step = m.newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray ctx = step.create(ctxValues, new Shape(N_CTX, 32));
      ctx.setRequiresGradient(true);
      NDArray loss = loss(text, emb, ctx, eot, lossWeights);
      List<ByteBuffer> scribbles =
          collectBeforeBackward ? FreedMemory.collectAndScribble() : List.of();
      collector.backward(loss);
      float[] g = ctx.getGradient().toFloatArray();
      scribbles.size(); // the scribbles must outlive backward
      return g;
    }
  }

  /** A fixed random linear function of the features of {@code <start> ctx... class . <end>}. */
  private static NDArray loss(
      TextEncoder text, NDArray emb, NDArray ctx, int[] eot, NDArray lossWeights) {
    long batch = emb.getShape().get(0);
    NDArray ctxRows = ctx.expandDims(0).broadcast(new Shape(batch, N_CTX, 32));
    NDArray spliced =
        NDArrays.concat(
            new NDList(
                emb.get(new NDIndex(":, :1, :")),
                ctxRows,
                emb.get(new NDIndex(":, {}:, :", 1 + N_CTX))),
            1);
    return text.encodeEmbeddings(spliced, eot).mul(lossWeights).sum();
  }
}
