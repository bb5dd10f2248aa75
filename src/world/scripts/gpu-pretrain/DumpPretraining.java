package io.calmon.pretrain;

import io.calmon.world.Images;
import io.calmon.world.TaskImages;
import io.calmon.world.WorldClass;
import io.calmon.world.WorldConfig;
import io.calmon.world.WorldPretrainingData;
import io.calmon.world.WorldTask;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Dev-only: writes a pretraining pool and the default task's zero-shot test sets as raw files, so
 * that gpu_pretrain.py can run the same contrastive pretraining as ContrastivePretrainer on a GPU
 * machine that has PyTorch but no DJL. Same world, same pairs (index i of seed s), same look keys,
 * same test images as {@code world info} / ZeroShotEvaluation.
 *
 * <pre>
 * java -cp calmon-world.jar:calmon-core.jar:(compiled class dir) \
 *   io.calmon.pretrain.DumpPretraining OUT POOL SEED CAPTION_DETAIL PER_CLASS
 * </pre>
 *
 * Files (little-endian): pool_images.u8 [N,3,32,32] 0-255, pool_captions.txt, pool_looks.i32;
 * per group g in base, new, crossed: g_images.u8, g_labels.i32, g_prompts.txt (one per class),
 * g_classes.txt ("colour shape" per class).
 */
public final class DumpPretraining {
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    long seed = Long.parseLong(args[2]);
    double captionDetail = Double.parseDouble(args[3]);
    int perClass = Integer.parseInt(args[4]);
    Files.createDirectories(out);
    long t0 = System.nanoTime();
    WorldConfig pretrainWorld = WorldConfig.builder().optCaptionDetail(captionDetail).build();
    PairPool.Rendered pool =
        PairPool.Rendered.of(new WorldPretrainingData(pretrainWorld, seed), count);
    int size = pool.size();
    Files.write(out.resolve("pool_images.u8"), pool.pixels());
    Files.write(out.resolve("pool_captions.txt"), List.of(pool.captions()));
    Files.write(out.resolve("pool_looks.i32"), ints(pool.looks()));
    System.out.printf("pool: %d pairs in %.1f s%n", count, (System.nanoTime() - t0) / 1e9);

    WorldTask task = WorldTask.defaultTask(1);
    WorldConfig taskWorld = WorldConfig.builder().optImageSize(size).build();
    int nBase = task.baseClasses().size();
    group(out, "base", task, task.baseClasses(), taskWorld, 0, perClass);
    group(out, "new", task, task.newClasses(), taskWorld, nBase, perClass);
    WorldTask crossed = ZeroShotEvaluation.crossed(task);
    group(out, "crossed", crossed, crossed.classes(), taskWorld, 0, perClass);
    System.out.printf("done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  private static void group(
      Path out,
      String name,
      WorldTask task,
      List<WorldClass> classes,
      WorldConfig config,
      int firstLabel,
      int perClass)
      throws IOException {
    TaskImages images = new TaskImages(task, config);
    int size = config.imageSize();
    int each = 3 * size * size;
    int n = classes.size() * perClass;
    byte[] pixels = new byte[n * each];
    int[] labels = new int[n];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            k -> {
              int label = k / perClass;
              float[] chw =
                  Images.toChw(images.image(TaskImages.Split.TEST, firstLabel + label, k % perClass));
              PairPool.toBytes(chw, pixels, k * each);
              labels[k] = label;
            });
    List<String> prompts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (WorldClass c : classes) {
      prompts.add(task.template().replace("{}", c.name()));
      names.add(c.colour().name().toLowerCase() + " " + c.shape().name().toLowerCase());
    }
    Files.write(out.resolve(name + "_images.u8"), pixels);
    Files.write(out.resolve(name + "_labels.i32"), ints(labels));
    Files.write(out.resolve(name + "_prompts.txt"), prompts);
    Files.write(out.resolve(name + "_classes.txt"), names);
  }

  private static byte[] ints(int[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }
}
