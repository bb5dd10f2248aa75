package io.calmon.cli.world;

import io.calmon.cli.UserError;
import io.calmon.world.ContactSheet;
import io.calmon.world.Images;
import io.calmon.world.TaskImages;
import io.calmon.world.WorldConfig;
import io.calmon.world.WorldPretrainingData;
import io.calmon.world.WorldTask;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calmon world sample}: a contact sheet and captions, to look at the world. */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    description = {
      "Writes contact-sheet.png (images row by row) and captions.txt (one line per image).",
      "Without --task: pretraining pairs; with --task: test images of the default task."
    })
final class WorldSampleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "Directory to write (created).")
  Path out;

  @Option(names = "--n", defaultValue = "16", description = "Number of images (default: 16).")
  int n;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: 1).")
  long seed;

  @Option(names = "--scale", defaultValue = "4", description = "Enlargement (default: 4).")
  int scale;

  @Option(names = "--task", description = "Sample test images of the task instead.")
  boolean task;

  @Option(names = "--style", defaultValue = "sketch", description = "Task style (with --task).")
  String style;

  @Mixin WorldOptions world;

  @Override
  public Integer call() throws IOException {
    if (n < 1 || n > 4096 || scale < 1 || scale > 16) {
      throw new UserError(
          "--n must be in [1, 4096] and --scale in [1, 16], got " + n + ", " + scale);
    }
    WorldConfig config = world.config();
    List<BufferedImage> images = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    if (task) {
      WorldTask t = WorldTask.sample(seed, 20, 20, WorldOptions.style(style));
      TaskImages source = new TaskImages(t, config);
      int classes = t.classes().size();
      for (int i = 0; i < n; i++) {
        int label = i % classes;
        images.add(source.image(TaskImages.Split.TEST, label, i / classes));
        lines.add(
            i
                + "\t"
                + label
                + "\t"
                + t.classes().get(label)
                + (t.isBase(label) ? "\tbase" : "\tnew"));
      }
    } else {
      WorldPretrainingData data = new WorldPretrainingData(config, seed);
      for (int i = 0; i < n; i++) {
        WorldPretrainingData.Sample s = data.get(i);
        images.add(s.image());
        lines.add(i + "\t" + s.caption());
      }
    }
    Files.createDirectories(out);
    int columns = (int) Math.ceil(Math.sqrt(n));
    Path sheet = out.resolve("contact-sheet.png");
    Files.write(sheet, Images.toPng(ContactSheet.of(images, columns, scale)));
    Files.write(out.resolve("captions.txt"), lines, StandardCharsets.UTF_8);
    spec.commandLine().getOut().printf("wrote %s and captions.txt (%d images)%n", sheet, n);
    return 0;
  }
}
