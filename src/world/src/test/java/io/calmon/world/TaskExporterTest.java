package io.calmon.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskExporterTest {
  private static final WorldConfig CONFIG = WorldConfig.builder().optImageSize(32).build();
  private static final TaskExporter.Sizes SIZES = new TaskExporter.Sizes(3, 2, 2);

  @TempDir Path dir;

  private Path export(String name, long seed) throws IOException {
    WorldTask task = WorldTask.sample(seed, 4, 4, Style.SKETCH);
    new TaskExporter(task, CONFIG).export(dir.resolve(name), SIZES);
    return dir.resolve(name);
  }

  @Test
  void shouldWriteACoOpSplitWithBaseLabelsFirst() throws IOException {
    Path out = export("a", 1);
    JsonNode split = new ObjectMapper().readTree(out.resolve(TaskExporter.SPLIT_FILE).toFile());
    assertEquals(8 * 3, split.get("train").size());
    assertEquals(8 * 2, split.get("val").size());
    assertEquals(8 * 2, split.get("test").size());

    WorldTask task = WorldTask.sample(1, 4, 4, Style.SKETCH);
    for (JsonNode row : split.get("train")) {
      int label = row.get(1).asInt();
      assertEquals(task.classes().get(label).name(), row.get(2).asText());
      assertEquals(label < 4, task.isBase(label));
      Path image = out.resolve(TaskExporter.IMAGE_DIR).resolve(row.get(0).asText());
      BufferedImage img = ImageIO.read(image.toFile());
      assertEquals(32, img.getWidth());
      assertEquals(32, img.getHeight());
      assertTrue(row.get(0).asText().startsWith(row.get(2).asText().replace(' ', '_') + "/"));
    }
    // A harness that takes the first ceil(n/2) sorted labels as base agrees with the task.
    Set<Integer> labels = new HashSet<>();
    split.get("test").forEach(r -> labels.add(r.get(1).asInt()));
    assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7), labels);
  }

  @Test
  void shouldWriteOutliersWithoutAnyClassWord() throws IOException {
    Path out = export("a", 1);
    List<String> outliers = Files.readAllLines(out.resolve("outliers.txt"));
    Set<String> classWords =
        Vocabulary.classWords(WorldTask.sample(1, 4, 4, Style.SKETCH).classes());
    assertFalse(outliers.isEmpty());
    for (String o : outliers) {
      assertTrue(Vocabulary.tokenize(o).stream().noneMatch(classWords::contains), "outlier " + o);
    }
    JsonNode task = new ObjectMapper().readTree(out.resolve("task.json").toFile());
    assertEquals("sketch", task.get("style").asText());
    assertEquals("a photo of a {}.", task.get("template").asText());
    assertEquals(4, task.get("base_classes").size());
    assertTrue(Files.exists(out.resolve("tokenizer.json")));
  }

  @Test
  void shouldWriteIdenticalBytesForTheSameSeedAndDifferentOnesForAnother() throws IOException {
    Path a = export("a", 1);
    Path b = export("b", 1);
    Path c = export("c", 2);
    assertArrayEquals(
        Files.readAllBytes(a.resolve(TaskExporter.SPLIT_FILE)),
        Files.readAllBytes(b.resolve(TaskExporter.SPLIT_FILE)));
    String firstTest =
        new ObjectMapper()
            .readTree(a.resolve(TaskExporter.SPLIT_FILE).toFile())
            .get("test")
            .get(0)
            .get(0)
            .asText();
    Path image = Path.of(TaskExporter.IMAGE_DIR, firstTest);
    assertArrayEquals(Files.readAllBytes(a.resolve(image)), Files.readAllBytes(b.resolve(image)));
    assertFalse(
        Arrays.equals(
            Files.readAllBytes(a.resolve(TaskExporter.SPLIT_FILE)),
            Files.readAllBytes(c.resolve(TaskExporter.SPLIT_FILE))),
        "another seed draws other classes");
  }

  @Test
  void shouldHoldAtLeastSixteenTrainImagesPerClass() {
    assertEquals(16, TaskExporter.Sizes.forShots(4, 100).train());
    assertEquals(32, TaskExporter.Sizes.forShots(32, 100).train());
    assertEquals(4, TaskExporter.Sizes.forShots(4, 100).val());
  }
}
