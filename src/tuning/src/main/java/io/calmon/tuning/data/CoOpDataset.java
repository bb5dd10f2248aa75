package io.calmon.tuning.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A dataset in CoOp's format: {@code DIR/split_zhou_*.json} holding {@code {"train": [[relpath,
 * label, classname], ...], "val": [...], "test": [...]}}, image paths relative to {@code DIR} or
 * {@code DIR/images} (what {@code calmon world export} writes). Base classes are the first half
 * (rounded up) of the classes sorted by label, as in CoOp's base-to-new protocol.
 */
public final class CoOpDataset {

  private final Path dir;
  private final List<String> classNames;
  private final Map<String, Map<String, List<Path>>> splits;

  private CoOpDataset(
      Path dir, List<String> classNames, Map<String, Map<String, List<Path>>> splits) {
    this.dir = dir;
    this.classNames = classNames;
    this.splits = splits;
  }

  /**
   * Reads the split file of {@code dir}.
   *
   * @throws IllegalArgumentException if there is no single split file, or it is malformed (naming
   *     the file and the row)
   */
  public static CoOpDataset load(Path dir) {
    Path split = splitFile(dir);
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(split.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(split + ": not JSON: " + e.getMessage(), e);
    }
    TreeMap<Integer, String> byLabel = new TreeMap<>();
    Map<String, Map<String, List<Path>>> splits = new LinkedHashMap<>();
    for (String name : List.of("train", "val", "test")) {
      Map<String, List<Path>> perClass = new LinkedHashMap<>();
      JsonNode rows = root.path(name);
      for (int i = 0; i < rows.size(); i++) {
        JsonNode row = rows.get(i);
        if (!row.isArray() || row.size() < 3 || !row.get(1).canConvertToInt()) {
          throw new IllegalArgumentException(
              split + ": " + name + "[" + i + "] is not [relpath, label, classname]: " + row);
        }
        String className = row.get(2).asText();
        String known = byLabel.putIfAbsent(row.get(1).asInt(), className);
        if (known != null && !known.equals(className)) {
          throw new IllegalArgumentException(
              split
                  + ": label "
                  + row.get(1).asInt()
                  + " is both '"
                  + known
                  + "' and '"
                  + className
                  + "'");
        }
        perClass
            .computeIfAbsent(className, c -> new ArrayList<>())
            .add(resolve(dir, row.get(0).asText()));
      }
      splits.put(name, perClass);
    }
    if (byLabel.isEmpty()) {
      throw new IllegalArgumentException(split + ": no rows in train, val or test");
    }
    return new CoOpDataset(dir, List.copyOf(byLabel.values()), splits);
  }

  /** Every class name, sorted by label. */
  public List<String> classNames() {
    return classNames;
  }

  /** The first half (rounded up) of {@link #classNames()}. */
  public List<String> baseClasses() {
    return classNames.subList(0, (classNames.size() + 1) / 2);
  }

  /**
   * Up to {@code perClass} images of {@code className} from {@code split} ("train", "val", "test"),
   * drawn without replacement by {@code seed}.
   */
  public List<Path> sample(String split, String className, int perClass, long seed) {
    List<Path> all =
        new ArrayList<>(splits.getOrDefault(split, Map.of()).getOrDefault(className, List.of()));
    Collections.shuffle(all, new Random(seed ^ className.hashCode()));
    return List.copyOf(all.subList(0, Math.min(perClass, all.size())));
  }

  public Path dir() {
    return dir;
  }

  private static Path splitFile(Path dir) {
    List<Path> found;
    try (Stream<Path> files = Files.list(dir)) {
      found =
          files
              .filter(p -> p.getFileName().toString().matches("split_zhou_.*\\.json"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    if (found.size() != 1) {
      throw new IllegalArgumentException(
          dir + " must hold exactly one split_zhou_*.json file, found " + found.size());
    }
    return found.get(0);
  }

  private static Path resolve(Path dir, String relpath) {
    Path direct = dir.resolve(relpath);
    Path underImages = dir.resolve("images").resolve(relpath);
    return Files.exists(direct) || !Files.exists(underImages) ? direct : underImages;
  }
}
