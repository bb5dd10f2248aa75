import ai.djl.engine.Engine;
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.calmon.clip.*;
import io.calmon.clip.text.ClipTokenizer;
import io.calmon.clip.train.*;
import io.calmon.pretrain.ModelPreset;
import java.nio.file.*;
import java.util.*;
/**
 * Dev-only: can the world CLIP's image tower learn shape at all in a CPU budget? Trains the image
 * encoder of a fresh {@code --size-preset} architecture plus a linear head with cross-entropy on
 * the scene's shape (column 0 of DumpScenes' tsv; 1 = colour), Adam 1e-3 with cosine decay, batch
 * 64, and prints the accuracy on the first 2,000 images (held out) every 250 steps. Its native
 * memory grew by about 13 MB a step: that was AdamW's leak, fixed since (not re-measured here).
 *
 * <pre>java -Xmx1500m -Dai.djl.pytorch.num_threads=1 -cp "src/cli/target/lib/*" \
 *   src/world/scripts/shape-probe/ShapeProbe.java DATA PRESET STEPS LR [COLUMN]</pre>
 *
 * DATA is DumpScenes' OUT prefix; PRESET tiny|small|small4|small-stem.
 */
public class ShapeProbe {
  public static void main(String[] a) throws Exception {
    String name = a[0]; ModelPreset preset = ModelPreset.ofWord(a[1]); int steps = Integer.parseInt(a[2]); float lr = Float.parseFloat(a[3]);
    byte[] raw = Files.readAllBytes(Path.of(name + ".u8"));
    List<String> lines = Files.readAllLines(Path.of(name + ".tsv"));
    int n = raw.length / 3072; int[] y = new int[n]; int col = a.length > 4 ? Integer.parseInt(a[4]) : 0;
    for (int i = 0; i < n; i++) y[i] = Integer.parseInt(lines.get(i).split("\t")[col]);
    int nt = 2000, B = 64, K = 17;
    float[] mean = {0.48145466f, 0.4578275f, 0.40821073f}, std = {0.26862954f, 0.26130258f, 0.27577711f};
    ClipConfig config = preset.config(32, 140);
    try (ClipModel model = ClipModel.random(config, 1, ClipTokenizer.load(Path.of(System.getProperty("calmon.home", ".") + "/src/world/model/tokenizer.json"), 32))) {
      NDManager root = model.manager();
      model.setTrainable(true);
      Map<String, NDArray> params = new LinkedHashMap<>();
      model.trainableParameters().forEach((k, v) -> { if (k.startsWith("vision_model") || k.startsWith("visual_projection")) params.put(k, v); });
      NDArray head = root.randomNormal(0, 0.05f, new Shape(128, K), ai.djl.ndarray.types.DataType.FLOAT32); head.setRequiresGradient(true);
      params.put("head", head);
      CosineSchedule sch = new CosineSchedule(lr, 0f, 100, steps);
      Random r = new Random(1);
      long t0 = System.nanoTime();
      try (AdamW adam = AdamW.builder().optWeightDecay(0.05f).optClipGradientNorm(1f).optDecay(k -> !k.contains("embedding")).build(root, params)) {
        for (int step = 1; step <= steps; step++) {
          int[] idx = new int[B]; for (int b = 0; b < B; b++) idx[b] = nt + r.nextInt(n - nt);
          float loss;
          try (NDManager m = root.newSubManager()) {
            NDArray x = m.create(batch(raw, idx, mean, std), new Shape(B, 3, 32, 32));
            float[] oh = new float[B * K]; for (int b = 0; b < B; b++) oh[b * K + y[idx[b]]] = 1;
            NDArray t = m.create(oh, new Shape(B, K));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              NDArray l = model.imageEncoder().encode(x).matMul(head);
              NDArray ce = t.mul(l.logSoftmax(1)).sum().neg().div(B);
              gc.backward(ce); loss = ce.getFloat();
            }
          }
          adam.step(sch.rate(step - 1));
          if (step % 250 == 0 || step == steps) {
            model.imageEncoder().setTraining(false); // a stem's BatchNorms on running statistics
            int correct = 0;
            for (int s = 0; s < nt; s += 500) {
              int[] ei = new int[500]; for (int k = 0; k < 500; k++) ei[k] = s + k;
              try (NDManager m = root.newSubManager()) {
                float[] lg = model.imageEncoder().encode(m.create(batch(raw, ei, mean, std), new Shape(500, 3, 32, 32))).matMul(head).toFloatArray();
                for (int k = 0; k < 500; k++) { int best = 0; for (int c = 1; c < K; c++) if (lg[k * K + c] > lg[k * K + best]) best = c; if (best == y[s + k]) correct++; }
              }
            }
            model.imageEncoder().setTraining(true);
            double sec = (System.nanoTime() - t0) / 1e9;
            System.out.printf("step %d loss %.3f test acc %.3f (%.0fs, %.3fs/step)%n", step, loss, correct / (double) nt, sec, sec / step);
          }
        }
      }
    }
  }
  static float[] batch(byte[] raw, int[] idx, float[] mean, float[] std) {
    float[] out = new float[idx.length * 3072];
    for (int b = 0; b < idx.length; b++) for (int c = 0; c < 3; c++) for (int k = 0; k < 1024; k++)
      out[b * 3072 + c * 1024 + k] = ((raw[idx[b] * 3072 + c * 1024 + k] & 0xFF) / 255f - mean[c]) / std[c];
    return out;
  }
}
