package io.calmon.world;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Writes a {@link WorldTask} as a dataset in CoOp's format:
 *
 * <pre>
 * DIR/split_zhou_World.json   {"train": [[relpath, label, classname], ...], "val": [...], "test": [...]}
 * DIR/images/red_circle/train_0000.png ...   (relpath is relative to DIR/images)
 * DIR/outliers.txt            the task's outlier vocabulary, one entry a line
 * DIR/tokenizer.json          the world's word-level tokenizer
 * DIR/task.json               seed, style, template, classes, sizes, world config
 * </pre>
 *
 * Train holds the same number of images for every class, base and new (CoOp's harness samples its
 * few shots from the base classes itself).
 */
public final class TaskExporter {
  /** The split file name, as CoOp's dataset classes expect it. */
  public static final String SPLIT_FILE = "split_zhou_World.json";

  /** The image root, relative to the export directory; split paths are relative to it. */
  public static final String IMAGE_DIR = "images";

  /** Images per class in each split. */
  public record Sizes(int train, int val, int test) {
    public Sizes {
      if (train < 1 || val < 1 || test < 1) {
        throw new IllegalArgumentException(
            "every split needs at least one image per class, got train="
                + train
                + ", val="
                + val
                + ", test="
                + test);
      }
    }

    /** Train {@code max(shots, 16)}, val 4, test {@code testPerClass}. */
    public static Sizes forShots(int shots, int testPerClass) {
      return new Sizes(Math.max(shots, 16), 4, testPerClass);
    }
  }

  private final WorldTask task;
  private final WorldConfig config;
  private final TaskImages images;

  public TaskExporter(WorldTask task, WorldConfig config) {
    this.task = task;
    this.config = config;
    this.images = new TaskImages(task, config);
  }

  /** Writes the dataset under {@code dir} (created if missing) and returns the split file. */
  public Path export(Path dir, Sizes sizes) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    Files.createDirectories(dir.resolve(IMAGE_DIR));
    ObjectNode split = mapper.createObjectNode();
    split.set("train", writeSplit(mapper, dir, TaskImages.Split.TRAIN, sizes.train()));
    split.set("val", writeSplit(mapper, dir, TaskImages.Split.VAL, sizes.val()));
    split.set("test", writeSplit(mapper, dir, TaskImages.Split.TEST, sizes.test()));
    Path splitFile = dir.resolve(SPLIT_FILE);
    mapper.writeValue(splitFile.toFile(), split);

    Files.write(dir.resolve("outliers.txt"), task.outliers(), StandardCharsets.UTF_8);
    TokenizerJson.write(Vocabulary.world(), dir.resolve("tokenizer.json"));
    mapper
        .writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("task.json").toFile(), describe(mapper, sizes));
    return splitFile;
  }

  private ArrayNode writeSplit(
      ObjectMapper mapper, Path dir, TaskImages.Split split, int perClass) {
    List<WorldClass> classes = task.classes();
    // Every image is seeded by its address, so rendering classes in parallel changes nothing.
    List<List<String>> paths =
        IntStream.range(0, classes.size())
            .parallel()
            .mapToObj(label -> writeClass(dir, split, label, perClass))
            .collect(Collectors.toList());
    ArrayNode out = mapper.createArrayNode();
    for (int label = 0; label < classes.size(); label++) {
      for (String rel : paths.get(label)) {
        out.addArray().add(rel).add(label).add(classes.get(label).name());
      }
    }
    return out;
  }

  private List<String> writeClass(Path dir, TaskImages.Split split, int label, int perClass) {
    WorldClass cls = task.classes().get(label);
    String prefix = split.name().toLowerCase(Locale.ROOT);
    Path classDir = dir.resolve(IMAGE_DIR).resolve(cls.folderName());
    List<String> rel = new ArrayList<>();
    try {
      Files.createDirectories(classDir);
      for (int i = 0; i < perClass; i++) {
        String name = String.format(Locale.ROOT, "%s_%04d.png", prefix, i);
        Files.write(classDir.resolve(name), Images.toPng(images.image(split, label, i)));
        rel.add(cls.folderName() + "/" + name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rel;
  }

  private ObjectNode describe(ObjectMapper mapper, Sizes sizes) {
    ObjectNode t = mapper.createObjectNode();
    t.put("name", "World");
    t.put("seed", task.seed());
    t.put("style", task.style().word());
    t.put("template", task.template());
    t.put("image_root", IMAGE_DIR);
    t.put("image_size", config.imageSize());
    t.put("num_base", task.baseClasses().size());
    t.put("num_new", task.newClasses().size());
    ArrayNode base = t.putArray("base_classes");
    task.baseClasses().forEach(c -> base.add(c.name()));
    ArrayNode fresh = t.putArray("new_classes");
    task.newClasses().forEach(c -> fresh.add(c.name()));
    ObjectNode per = t.putObject("images_per_class");
    per.put("train", sizes.train());
    per.put("val", sizes.val());
    per.put("test", sizes.test());
    t.set("world_config", mapper.valueToTree(config));
    return t;
  }
}
