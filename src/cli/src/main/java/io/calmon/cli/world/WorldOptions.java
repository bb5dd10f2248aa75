package io.calmon.cli.world;

import io.calmon.cli.UserError;
import io.calmon.world.ObjectSize;
import io.calmon.world.Style;
import io.calmon.world.WorldConfig;
import picocli.CommandLine.Option;

/** Flags shared by the world subcommands: the image size and the knobs that set difficulty. */
final class WorldOptions {
  @Option(
      names = "--size",
      defaultValue = "32",
      description = "Image side in pixels (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--colour-jitter",
      description = "Per-object colour jitter, 0-0.5; higher is harder (default 0.05).")
  Double colourJitter;

  @Option(
      names = "--noise",
      description =
          "Heavy pixel noise std of noisy images, 0-0.5; higher is harder (default 0.12).")
  Double heavyNoise;

  @Option(
      names = "--clutter",
      description = "Most distractor objects per image, 0-6; more is harder (default 2).")
  Integer maxClutter;

  @Option(
      names = "--occluders",
      description = "Share of images with an occluder, 0-1; higher is harder (default 0.2).")
  Double occluders;

  @Option(
      names = "--caption-detail",
      description =
          "Probability that a caption mentions each optional attribute, 0-1; lower gives shorter"
              + " captions that a short pretraining run learns faster (default 0.5).")
  Double captionDetail;

  @Option(
      names = "--min-size",
      description =
          "Smallest object size: tiny, small, medium or large; larger is easier (default tiny).")
  String minSize;

  @Option(
      names = "--multi-object",
      description = "Share of images with two or more objects, 0-1 (default 0.25).")
  Double multiObject;

  WorldConfig config() {
    try {
      WorldConfig.Builder b = WorldConfig.builder().optImageSize(size);
      if (colourJitter != null) {
        b.optColourJitter(colourJitter);
      }
      if (heavyNoise != null) {
        b.optHeavyNoise(heavyNoise);
      }
      if (maxClutter != null) {
        b.optMaxClutter(maxClutter);
      }
      if (captionDetail != null) {
        b.optCaptionDetail(captionDetail);
      }
      if (occluders != null) {
        b.optOccluderProbability(occluders);
      }
      if (multiObject != null) {
        b.optMultiObjectProbability(multiObject);
      }
      if (minSize != null) {
        b.optSizes(objectSize(minSize), ObjectSize.LARGE);
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  private static ObjectSize objectSize(String word) {
    for (ObjectSize s : ObjectSize.values()) {
      if (s.name().equalsIgnoreCase(word)) {
        return s;
      }
    }
    throw new UserError("--min-size must be one of tiny, small, medium, large, got '" + word + "'");
  }

  static Style style(String word) {
    try {
      return Style.ofWord(word);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
  }
}
