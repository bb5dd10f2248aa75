package io.calmon.tuning;

import io.calmon.clip.ClipConfig;
import io.calmon.clip.ClipModel;
import io.calmon.clip.TextConfig;
import io.calmon.clip.VisionConfig;
import io.calmon.clip.nn.Activation;
import io.calmon.clip.text.ClipTokenizer;
import io.calmon.tuning.outliers.ClassNameFilter;
import io.calmon.tuning.outliers.OutlierPool;
import io.calmon.world.TokenizerJson;
import io.calmon.world.Vocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tiny random CLIP models with the world's word-level tokenizer (colours, shapes, "a photo of").
 */
public final class TinyModels {
  private TinyModels() {}

  private static Path tokenizer;

  /** A tiny config: text width 32, 2 layers, context 16; image 32, patch 8; logit scale ln 100. */
  public static ClipConfig config() {
    return new ClipConfig(
        new TextConfig(32, 64, 2, 2, 16, 140, Activation.QUICK_GELU, 1e-5f),
        new VisionConfig(32, 64, 2, 1, 32, 8, 3, Activation.QUICK_GELU, 1e-5f),
        24,
        (float) Math.log(100));
  }

  /** The world's tokenizer.json, written once per JVM. */
  public static synchronized Path tokenizerFile() {
    if (tokenizer == null) {
      try {
        Path dir = Files.createTempDirectory("calmon-trainer-test");
        tokenizer = dir.resolve("tokenizer.json");
        TokenizerJson.write(Vocabulary.world(), tokenizer);
        dir.toFile().deleteOnExit();
        tokenizer.toFile().deleteOnExit();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return tokenizer;
  }

  /** Four base classes of the world, for loss and step tests. */
  public static final List<String> BASE =
      List.of("red circle", "blue square", "green triangle", "yellow star");

  /** The hand-written template those tests tune against. */
  public static final String TEMPLATE = "a photo of a {}.";

  /** A small outlier pool for {@link #BASE}: seven everyday words, none of them a class word. */
  public static OutlierPool smallPool(ClipModel clip) {
    return OutlierPool.build(
        clip,
        List.of("tree", "house", "flower", "fish", "cloud", "boat", "kite"),
        new ClassNameFilter(BASE),
        BASE,
        TEMPLATE,
        4,
        100);
  }

  /** A random tiny model (seeded) with the world tokenizer. */
  public static ClipModel world(long seed) {
    return ClipModel.random(config(), seed, ClipTokenizer.load(tokenizerFile(), 16));
  }
}
