package io.calmon.pretrain;

import io.calmon.clip.ClipConfig;
import io.calmon.clip.TextConfig;
import io.calmon.clip.VisionConfig;
import io.calmon.clip.nn.Activation;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Architectures of the world's CLIP. {@link #SMALL_STEM} is the shipped model (about 1.75M
 * parameters, 7 MB in F32); {@link #TINY} exists for smoke tests that must run in seconds.
 */
public enum ModelPreset {
  /** Vision and text width 32, one layer each, patch 8: for tests only. */
  TINY(8, 32, 1, 2, 32, 1, 2, 32, List.of()),
  /**
   * Vision and text width 128, four layers of four heads each, embedding 128, patch 8 (16 patches
   * at the world's 32 px): the plain ViT of the first world model. It learned colour but no shape
   * (the predicted shape right 25-31% of the time, chance 25%;
   * docs/results/world-model-earlier.md).
   */
  SMALL(8, 128, 4, 4, 128, 4, 4, 128, List.of()),
  /**
   * {@link #SMALL} with patch 4 (64 patches at 32 px; a step costs about 2-3x): a candidate for
   * seeing shape, not shown to (docs/results/world-model-earlier.md, "What was tried on the plain
   * ViT").
   */
  SMALL4(4, 128, 4, 4, 128, 4, 4, 128, List.of()),
  /**
   * {@link #SMALL} behind a convolutional stem: three 3x3 stride-2 convolutions (32, 64 and 128
   * channels, each with BatchNorm and ReLU) and a 1x1 patch embedding, so the transformer sees the
   * same 16 tokens at 32 px for about 20% more compute. Told the shape directly (supervised), it
   * learned shape faster than {@link #SMALL} on easy images (24% against 17% after 750 steps) but
   * not on the default ones (both at chance), where a small CNN reached 42%
   * (docs/results/world-model-earlier.md, "Is it the architecture?"). The shipped model's image
   * tower: pretrained contrastively with batches of 256 it sees shape (zero-shot shape right 70-90%
   * on the default task, chance 25%); its text tower has 8 blocks ({@code --text-layers 8}).
   */
  SMALL_STEM(8, 128, 4, 4, 128, 4, 4, 128, List.of(32, 64, 128));

  /** Text context: the world's longest caption is 32 tokens with start and end (200k sampled). */
  public static final int CONTEXT = 32;

  private final int patch;
  private final int visionWidth;
  private final int visionLayers;
  private final int visionHeads;
  private final int textWidth;
  private final int textLayers;
  private final int textHeads;
  private final int embedding;
  private final List<Integer> convStem;

  ModelPreset(
      int patch,
      int visionWidth,
      int visionLayers,
      int visionHeads,
      int textWidth,
      int textLayers,
      int textHeads,
      int embedding,
      List<Integer> convStem) {
    this.patch = patch;
    this.convStem = convStem;
    this.visionWidth = visionWidth;
    this.visionLayers = visionLayers;
    this.visionHeads = visionHeads;
    this.textWidth = textWidth;
    this.textLayers = textLayers;
    this.textHeads = textHeads;
    this.embedding = embedding;
  }

  /**
   * The architecture for images of side {@code imageSize} and a vocabulary of {@code vocabSize} ids
   * (the highest is end-of-text). MLPs are 4x the width, activation quick GELU, as in CLIP.
   *
   * @throws IllegalArgumentException if the preset's {@link #patch()} does not divide {@code
   *     imageSize}
   */
  public ClipConfig config(int imageSize, int vocabSize) {
    return config(imageSize, vocabSize, textLayers);
  }

  /**
   * As {@link #config(int, int)} with a text tower of {@code textLayers} blocks instead of the
   * preset's (a deeper text encoder over the same image encoder, see {@code --text-layers}).
   *
   * @throws IllegalArgumentException if {@code textLayers < 1}
   */
  public ClipConfig config(int imageSize, int vocabSize, int textLayers) {
    if (textLayers < 1) {
      throw new IllegalArgumentException("text layers must be >= 1, got " + textLayers);
    }
    if (imageSize % patch != 0) {
      throw new IllegalArgumentException(
          "image size " + imageSize + " is not a multiple of the patch size " + patch);
    }
    TextConfig text =
        new TextConfig(
            textWidth,
            4 * textWidth,
            textHeads,
            textLayers,
            CONTEXT,
            vocabSize,
            Activation.QUICK_GELU,
            1e-5f);
    VisionConfig vision =
        new VisionConfig(
            visionWidth,
            4 * visionWidth,
            visionHeads,
            visionLayers,
            imageSize,
            patch,
            3,
            Activation.QUICK_GELU,
            1e-5f,
            convStem);
    return new ClipConfig(text, vision, embedding, (float) Math.log(1 / 0.07));
  }

  /** Patch side in pixels; the image size must be a multiple of it. */
  public int patch() {
    return patch;
  }

  /** The lower-case name used on the command line. */
  public String word() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Parses a {@link #word()} ({@code tiny}, {@code small}, ...); an unknown one lists the known.
   */
  public static ModelPreset ofWord(String word) {
    for (ModelPreset p : values()) {
      if (p.word().equals(word)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown size preset '"
            + word
            + "'; known: "
            + Arrays.stream(values()).map(ModelPreset::word).collect(Collectors.joining(", ")));
  }
}
