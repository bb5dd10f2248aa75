package io.calmon.cli.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.calmon.clip.ClipConfig;
import io.calmon.clip.ClipModel;
import io.calmon.clip.nn.TextEncoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Throughput of the CLIP encoders on random weights, next to the bound a matmul timed in the same
 * run sets (model FLOPs / measured FLOP/s). Not a test: numbers depend on the machine. Progress is
 * printed as it goes; {@link #run} returns a Markdown summary.
 */
public final class ClipBenchmark {

  private final PrintWriter out;
  private final boolean quick;
  private final int threads;

  /**
   * @param quick fewer repetitions and no batch 32 for ViT-B/16 (well under a minute)
   * @param threads intra-op threads for libtorch
   */
  public ClipBenchmark(PrintWriter out, boolean quick, int threads) {
    this.out = out;
    this.quick = quick;
    this.threads = threads;
  }

  /** Runs everything and returns the Markdown summary (also printed). */
  public String run() {
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    Engine.getEngine("PyTorch"); // loads the natives before they are configured
    JniUtils.setNumThreads(threads);
    List<String> rows = new ArrayList<>();
    StringBuilder md = new StringBuilder();
    // The bound is re-measured right before each row: on a shared machine the CPU available
    // drifts, and a bound from another minute would make the ratio meaningless.
    md.append("| model | batch | images/s | GFLOP/image | matmul GFLOP/s | bound images/s |");
    md.append(" of bound |\n|---|---|---|---|---|---|---|\n");
    long rssBeforeB16 = 0;
    for (String name : List.of("ViT-B/32", "ViT-B/16")) {
      ClipConfig config = name.equals("ViT-B/32") ? ClipConfig.vitB32() : ClipConfig.vitB16();
      if (name.equals("ViT-B/16")) {
        rssBeforeB16 = memoryKb("VmRSS");
      }
      try (ClipModel model = ClipModel.random(config, 1, null)) {
        double perImage = model.imageEncoder().flopsPerImage() / 1e9;
        for (int batch : new int[] {1, 8, 32}) {
          if (quick && batch == 32 && name.equals("ViT-B/16")) {
            continue;
          }
          double gflops = matmulGflops(model.manager());
          double ips = imagesPerSecond(model, batch);
          double bound = gflops / perImage;
          progress(
              "%s batch %d: %.2f images/s; matmul %.1f GFLOP/s -> bound %.2f images/s (%.0f%%)",
              name, batch, ips, gflops, bound, 100 * ips / bound);
          md.append(
              String.format(
                  "| %s | %d | %.2f | %.2f | %.1f | %.2f | %.0f%% |%n",
                  name, batch, ips, perImage, gflops, bound, 100 * ips / bound));
        }
        if (name.equals("ViT-B/32")) {
          rows.add(textRows(model));
        }
      }
    }
    long peak = memoryKb("VmHWM");
    progress("peak RSS %d MiB (process before ViT-B/16: %d MiB)", peak / 1024, rssBeforeB16 / 1024);
    md.append("\n| text encoder (ViT-B/32 text tower) | prompts/s |\n|---|---|\n");
    md.append(rows.get(0));
    md.append(
        String.format(
            "%nPeak resident memory of the process (VmHWM) after ViT-B/16 inference: %d MiB"
                + " (resident before loading ViT-B/16: %d MiB).%n",
            peak / 1024, rssBeforeB16 / 1024));
    out.println();
    out.print(md);
    out.flush();
    return md.toString();
  }

  /** Best-of GFLOP/s of a ViT-B MLP-shaped matmul, [2048 x 768] x [768 x 3072]. */
  private double matmulGflops(NDManager parent) {
    try (NDManager manager = parent.newSubManager()) {
      NDArray a = manager.randomNormal(0, 1, new Shape(2048, 768), DataType.FLOAT32);
      NDArray b = manager.randomNormal(0, 1, new Shape(768, 3072), DataType.FLOAT32);
      double flops = 2.0 * 2048 * 768 * 3072;
      double best = Double.MAX_VALUE;
      for (int i = 0; i < (quick ? 3 : 5); i++) {
        long t0 = System.nanoTime();
        try (NDArray c = a.matMul(b)) {
          c.toFloatArray(); // forces completion
        }
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
      return flops / best / 1e9;
    }
  }

  private double imagesPerSecond(ClipModel model, int batch) {
    int size = model.config().vision().imageSize();
    Shape shape = new Shape(batch, 3, size, size);
    int reps = quick ? 2 : (batch == 1 ? 10 : 3);
    double best = Double.MAX_VALUE;
    try (NDManager m = model.manager().newSubManager()) {
      NDArray pixels = m.randomNormal(0, 1, shape, DataType.FLOAT32);
      model.imageEncoder().encode(pixels).close(); // warm-up
      for (int i = 0; i < reps; i++) {
        long t0 = System.nanoTime();
        model.imageEncoder().encode(pixels).toFloatArray();
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
    }
    return batch / best;
  }

  /** 32 prompts with end-of-text at positions 6..17, as short class prompts have. */
  private String textRows(ClipModel model) {
    TextEncoder text = model.textEncoder();
    int batch = 32;
    int context = text.config().maxPositionEmbeddings();
    int[] eot = new int[batch];
    for (int i = 0; i < batch; i++) {
      eot[i] = 6 + (i % 12);
    }
    StringBuilder md = new StringBuilder();
    for (boolean cut : new boolean[] {false, true}) {
      double best = Double.MAX_VALUE;
      try (NDManager m = model.manager().newSubManager()) {
        NDArray emb =
            m.randomNormal(
                0, 0.02f, new Shape(batch, context, text.config().hiddenSize()), DataType.FLOAT32);
        text.encodeEmbeddings(emb, eot, cut).close();
        for (int i = 0; i < (quick ? 2 : 5); i++) {
          long t0 = System.nanoTime();
          text.encodeEmbeddings(emb, eot, cut).toFloatArray();
          best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
      }
      String label =
          cut ? "cut to longest end-of-text (18 of 77 tokens)" : "full context (77 tokens)";
      progress("text encoder, batch %d, %s: %.1f prompts/s", batch, label, batch / best);
      md.append(String.format("| batch %d, %s | %.1f |%n", batch, label, batch / best));
    }
    return md.toString();
  }

  private void progress(String format, Object... args) {
    out.printf("bench clip: " + format + "%n", args);
    out.flush();
  }

  /** A field of /proc/self/status in kB, or 0 where there is none. */
  static long memoryKb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
