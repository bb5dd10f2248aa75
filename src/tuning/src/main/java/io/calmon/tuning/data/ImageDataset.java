package io.calmon.tuning.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A labelled image dataset with train, val and test splits, read from CoOp's format (one {@code
 * split_zhou_<Name>.json} of {@code [relative path, label, classname]} lists) or from an image
 * folder layout ({@code DIR/{train,val,test}/<class>/*}, or {@code DIR/<class>/*} split 50/20/30
 * per class as CoOp's {@code read_and_split_data} does).
 *
 * @param classNames by label, labels sorted
 */
public record ImageDataset(
    List<String> classNames, List<Item> train, List<Item> val, List<Item> test) {

  /** One image and its label. */
  public record Item(Path path, int label) {}

  /**
   * Reads {@code dir}.
   *
   * @param imageRoot where CoOp-format paths resolve, or null: {@code task.json}'s {@code
   *     image_root}, else {@code dir} or {@code dir/images}, whichever holds the first image
   * @throws DatasetException naming what is missing or malformed
   */
  public static ImageDataset load(Path dir, Path imageRoot) {
    if (!Files.isDirectory(dir)) {
      throw new DatasetException("dataset directory " + dir + " does not exist");
    }
    List<Path> splits;
    try (Stream<Path> s = Files.list(dir)) {
      splits =
          s.filter(p -> p.getFileName().toString().matches("split_zhou_.*\\.json"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new DatasetException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    if (splits.size() > 1) {
      throw new DatasetException(dir + " holds several split files: " + splits);
    }
    ImageDataset d = splits.isEmpty() ? readFolders(dir) : readCoOp(dir, splits.get(0), imageRoot);
    d.check();
    return d;
  }

  private static ImageDataset readCoOp(Path dir, Path split, Path imageRoot) {
    JsonNode root;
    ObjectMapper json = new ObjectMapper();
    try {
      root = json.readTree(split.toFile());
    } catch (IOException e) {
      throw new DatasetException("cannot read " + split + ": " + e.getMessage(), e);
    }
    TreeMap<Integer, String> names = new TreeMap<>();
    List<List<String[]>> raw = new ArrayList<>();
    for (String key : List.of("train", "val", "test")) {
      JsonNode list = root.path(key);
      if (!list.isArray()) {
        throw new DatasetException(split + " has no '" + key + "' list");
      }
      List<String[]> rows = new ArrayList<>();
      for (JsonNode row : list) {
        if (!row.isArray() || row.size() != 3 || !row.get(1).canConvertToInt()) {
          throw new DatasetException(split + ": bad " + key + " row " + row);
        }
        names.putIfAbsent(row.get(1).asInt(), row.get(2).asText());
        rows.add(new String[] {row.get(0).asText(), row.get(1).asText()});
      }
      raw.add(rows);
    }
    if (names.isEmpty()) {
      throw new DatasetException(split + " lists no images");
    }
    if (names.firstKey() != 0 || names.lastKey() != names.size() - 1) {
      throw new DatasetException(split + ": labels are not 0.." + (names.size() - 1));
    }
    Path base =
        imageRoot != null
            ? imageRoot
            : guessRoot(dir, json, raw.get(0).isEmpty() ? raw.get(2) : raw.get(0));
    List<List<Item>> items = new ArrayList<>();
    for (List<String[]> rows : raw) {
      items.add(
          rows.stream().map(r -> new Item(base.resolve(r[0]), Integer.parseInt(r[1]))).toList());
    }
    return new ImageDataset(
        new ArrayList<>(names.values()), items.get(0), items.get(1), items.get(2));
  }

  private static Path guessRoot(Path dir, ObjectMapper json, List<String[]> rows) {
    Path task = dir.resolve("task.json");
    if (Files.isRegularFile(task)) {
      try {
        JsonNode r = json.readTree(task.toFile()).path("image_root");
        if (r.isTextual()) {
          return dir.resolve(r.asText());
        }
      } catch (IOException e) {
        throw new DatasetException("cannot read " + task + ": " + e.getMessage(), e);
      }
    }
    if (!rows.isEmpty()
        && !Files.exists(dir.resolve(rows.get(0)[0]))
        && Files.exists(dir.resolve("images").resolve(rows.get(0)[0]))) {
      return dir.resolve("images");
    }
    return dir;
  }

  private static ImageDataset readFolders(Path dir) {
    boolean split =
        Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"));
    List<String> folders = subfolders(split ? dir.resolve("train") : dir);
    if (folders.isEmpty()) {
      throw new DatasetException(
          dir
              + " has neither a split_zhou_*.json nor class folders (DIR/<class>/ or DIR/train/<class>/)");
    }
    List<String> names = folders.stream().map(f -> f.replace('_', ' ')).toList();
    List<Item> train = new ArrayList<>();
    List<Item> val = new ArrayList<>();
    List<Item> test = new ArrayList<>();
    for (int label = 0; label < folders.size(); label++) {
      String f = folders.get(label);
      if (split) {
        images(dir.resolve("train").resolve(f), label, train);
        images(dir.resolve("val").resolve(f), label, val);
        images(dir.resolve("test").resolve(f), label, test);
      } else {
        List<Item> all = new ArrayList<>();
        images(dir.resolve(f), label, all);
        int nTrain = (int) Math.round(all.size() * 0.5);
        int nVal = (int) Math.round(all.size() * 0.2);
        train.addAll(all.subList(0, nTrain));
        val.addAll(all.subList(nTrain, nTrain + nVal));
        test.addAll(all.subList(nTrain + nVal, all.size()));
      }
    }
    return new ImageDataset(names, train, val, test);
  }

  private static List<String> subfolders(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new DatasetException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void images(Path dir, int label, List<Item> out) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(
              p ->
                  p.getFileName()
                      .toString()
                      .toLowerCase(Locale.ROOT)
                      .matches(".*\\.(png|jpe?g|bmp|gif)"))
          .sorted()
          .forEach(p -> out.add(new Item(p, label)));
    } catch (IOException e) {
      throw new DatasetException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Every class needs test images; base classes need training images (checked by the sampler). */
  private void check() {
    int[] counts = new int[classNames.size()];
    for (Item i : test) {
      counts[i.label()]++;
    }
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] == 0) {
        throw new DatasetException(
            "class '" + classNames.get(c) + "' (label " + c + ") has no test images");
      }
    }
  }

  /** Number of base classes: the first ceil(n/2) sorted labels. */
  public int baseCount() {
    return (classNames.size() + 1) / 2;
  }

  /** Items of {@code split} with labels in [from, to), per label relative to {@code from}. */
  public static List<List<Item>> byLabel(List<Item> split, int from, int to) {
    List<List<Item>> out = new ArrayList<>();
    for (int c = from; c < to; c++) {
      out.add(new ArrayList<>());
    }
    for (Item i : split) {
      if (i.label() >= from && i.label() < to) {
        out.get(i.label() - from).add(i);
      }
    }
    return out;
  }
}
