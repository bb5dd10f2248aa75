package io.calmon.tuning.outliers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calmon.clip.ClipModel;
import io.calmon.clip.text.ClipTokenizer;
import io.calmon.clip.text.PromptTooLongException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;

/**
 * DOR's outlier vocabulary for one task and one model: candidate words (WordNet nouns or a word
 * list) minus every form of a base or new class name, minus words the tokenizer cannot encode,
 * scored by their mean zero-shot cosine similarity to the base classes; the top K are kept
 * ("near-OOD"). Their zero-shot features of the hand-written template are computed here, once, and
 * cached for every step.
 */
public final class OutlierPool {
  /** The paper's pool size K. */
  public static final int DEFAULT_SIZE = 5000;

  private static final int CHUNK = 512;

  /** What building the pool did with the candidates. */
  public record Stats(int candidates, int excluded, int skipped, int kept) {}

  private final List<String> words;
  private final float[][] zeroShot;
  private final double[] scores;
  private final String template;
  private final Stats stats;

  private OutlierPool(
      List<String> words, float[][] zeroShot, double[] scores, String template, Stats stats) {
    this.words = List.copyOf(words);
    this.zeroShot = zeroShot;
    this.scores = scores;
    this.template = template;
    this.stats = stats;
  }

  /**
   * Builds the pool.
   *
   * @param candidates words to choose from
   * @param filter the class-name overlap test (base and new classes)
   * @param baseClasses the base class names that words are scored against
   * @param template the hand-written template, with {@code {}}
   * @param nCtx context vectors the tuned prompts will have (a word must fit with them)
   * @param k how many words to keep
   */
  public static OutlierPool build(
      ClipModel clip,
      Collection<String> candidates,
      ClassNameFilter filter,
      List<String> baseClasses,
      String template,
      int nCtx,
      int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("outlier pool size must be > 0, got " + k);
    }
    ClipTokenizer tokenizer =
        clip.tokenizer()
            .orElseThrow(() -> new IllegalStateException("the model has no tokenizer.json"));
    long unknown = unknownId(tokenizer.file());
    // The context placeholders may be unknown words themselves: only the length matters there.
    String ctxPrefix = String.join(" ", Collections.nCopies(nCtx, "X")) + " ";
    List<String> usable = new ArrayList<>();
    int excluded = 0;
    int skipped = 0;
    for (String raw : new LinkedHashSet<>(candidates)) {
      String word = raw.trim();
      if (word.isEmpty()) {
        continue;
      }
      if (filter.matches(word)) {
        excluded++;
      } else if (!encodable(tokenizer, unknown, template.replace("{}", word))
          || !encodable(tokenizer, -1, ctxPrefix + word + ".")) {
        skipped++;
      } else {
        usable.add(word);
      }
    }
    float[] centre = baseCentre(clip, baseClasses, template);
    // Keep the top k by score, streaming in chunks so 150K candidate features never coexist.
    PriorityQueue<Scored> top = new PriorityQueue<>(Comparator.comparingDouble(Scored::score));
    for (int start = 0; start < usable.size(); start += CHUNK) {
      List<String> chunk = usable.subList(start, Math.min(usable.size(), start + CHUNK));
      float[][] f = clip.textFeatures(chunk.stream().map(w -> template.replace("{}", w)).toList());
      for (int i = 0; i < f.length; i++) {
        normalizeInPlace(f[i]);
        double s = 0;
        for (int j = 0; j < f[i].length; j++) {
          s += (double) f[i][j] * centre[j];
        }
        top.add(new Scored(chunk.get(i), s, f[i]));
        if (top.size() > k) {
          top.poll();
        }
      }
    }
    List<Scored> kept = new ArrayList<>(top);
    kept.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparing(Scored::word));
    return new OutlierPool(
        kept.stream().map(Scored::word).toList(),
        kept.stream().map(Scored::feature).toArray(float[][]::new),
        kept.stream().mapToDouble(Scored::score).toArray(),
        template,
        new Stats(candidates.size(), excluded, skipped, kept.size()));
  }

  /** WordNet 3.1 nouns as candidates, with WordNet's lemmas in the class-name filter. */
  public static OutlierPool fromWordNet(
      ClipModel clip,
      List<String> baseClasses,
      Collection<String> allClasses,
      String template,
      int nCtx,
      int k) {
    try (WordNetNouns wordNet = WordNetNouns.open()) {
      ClassNameFilter filter = wordNet.filter(allClasses);
      return build(clip, wordNet.lemmas(), filter, baseClasses, template, nCtx, k);
    }
  }

  /** Candidates from a word list, one word or phrase a line (e.g. a world task's outliers.txt). */
  public static List<String> readWordList(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .map(String::trim)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read word list " + file, e);
    }
  }

  /** The kept words, best score first. */
  public List<String> words() {
    return words;
  }

  public int size() {
    return words.size();
  }

  /** Normalised zero-shot features of the kept words under {@link #template()}, row per word. */
  public float[][] zeroShotFeatures() {
    return zeroShot;
  }

  /** Mean zero-shot cosine similarity of each kept word to the base classes. */
  public double[] scores() {
    return scores.clone();
  }

  public String template() {
    return template;
  }

  public Stats stats() {
    return stats;
  }

  /** The mean of the base classes' normalised zero-shot features: dot with it = mean cosine. */
  private static float[] baseCentre(ClipModel clip, List<String> base, String template) {
    float[][] f = clip.textFeatures(base.stream().map(b -> template.replace("{}", b)).toList());
    float[] centre = new float[f[0].length];
    for (float[] row : f) {
      normalizeInPlace(row);
      for (int j = 0; j < row.length; j++) {
        centre[j] += row[j] / f.length;
      }
    }
    return centre;
  }

  private static void normalizeInPlace(float[] v) {
    double n = 0;
    for (float x : v) {
      n += (double) x * x;
    }
    float inv = (float) (1.0 / Math.sqrt(n));
    for (int j = 0; j < v.length; j++) {
      v[j] *= inv;
    }
  }

  /** Whether a prompt fits the context and has no unknown token between start and end. */
  private static boolean encodable(ClipTokenizer tokenizer, long unknown, String prompt) {
    long[] ids;
    try {
      ids = tokenizer.encode(prompt);
    } catch (PromptTooLongException e) {
      return false;
    }
    int eot = 0;
    for (int i = 1; i < ids.length; i++) {
      if (ids[i] > ids[eot]) {
        eot = i;
      }
    }
    for (int i = 1; i < eot; i++) {
      if (ids[i] == unknown) {
        return false;
      }
    }
    return true;
  }

  /**
   * The id of {@code model.unk_token} in a tokenizer.json, or -1. Byte-level BPE (real CLIP) never
   * emits it inside a prompt; word-level vocabularies (the world's) do for unknown words.
   */
  static long unknownId(Path tokenizerJson) {
    try {
      JsonNode model = new ObjectMapper().readTree(tokenizerJson.toFile()).path("model");
      JsonNode unk = model.path("unk_token");
      if (!unk.isTextual()) {
        return -1;
      }
      JsonNode id = model.path("vocab").path(unk.asText());
      return id.isNumber() ? id.asLong() : -1;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + tokenizerJson, e);
    }
  }

  private record Scored(String word, double score, float[] feature) {}
}
