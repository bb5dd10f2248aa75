package io.calmon.world;

/**
 * The knobs of the world, validated once. Defaults aim at a zero-shot accuracy of 60-85% for a tiny
 * CLIP on the default task; {@code docs/WORLD.md} says which knob moves accuracy which way.
 *
 * @param imageSize image side in pixels (16-256; 32 by default, the shipped model's input: its
 *     patch 8 divides it)
 * @param colourJitter amplitude of per-object hue/saturation/brightness jitter (0-0.5): higher
 *     blurs neighbouring colours into each other and lowers accuracy
 * @param lightNoise pixel noise standard deviation of ordinary images (0-0.5)
 * @param heavyNoise pixel noise standard deviation of images captioned "noisy" (0-0.5)
 * @param noisyProbability share of images with heavy noise (0-1)
 * @param clutterProbability share of images with distractor objects (0-1)
 * @param maxClutter most distractors in one image (0-6)
 * @param occluderProbability share of images with a fence, pole or shadow in front (0-1)
 * @param multiObjectProbability share of images with two or more class objects (0-1)
 * @param maxCount most class objects in one image (1-4)
 * @param maxRotationDeg largest object rotation either way, degrees (0-180)
 * @param minSize the smallest object size class drawn
 * @param maxSize the largest object size class drawn
 * @param texturedProbability share of objects with a striped/dotted/checkered/wavy fill (0-1)
 * @param captionDetail probability that a caption mentions each optional attribute (0-1)
 * @param blurSigma Gaussian blur of the blurry style, as a fraction of the side (0-0.2)
 * @param pixelCells cells per side of the pixelated style (4-imageSize)
 * @param darkness brightness factor of the dark style (0.05-1)
 * @param sketchFade how far the sketch style fades the background towards paper (0-1)
 */
public record WorldConfig(
    int imageSize,
    double colourJitter,
    double lightNoise,
    double heavyNoise,
    double noisyProbability,
    double clutterProbability,
    int maxClutter,
    double occluderProbability,
    double multiObjectProbability,
    int maxCount,
    double maxRotationDeg,
    ObjectSize minSize,
    ObjectSize maxSize,
    double texturedProbability,
    double captionDetail,
    double blurSigma,
    int pixelCells,
    double darkness,
    double sketchFade) {

  public WorldConfig {
    checkRange("imageSize", imageSize, 16, 256);
    checkRange("colourJitter", colourJitter, 0, 0.5);
    checkRange("lightNoise", lightNoise, 0, 0.5);
    checkRange("heavyNoise", heavyNoise, 0, 0.5);
    checkRange("noisyProbability", noisyProbability, 0, 1);
    checkRange("clutterProbability", clutterProbability, 0, 1);
    checkRange("maxClutter", maxClutter, 0, 6);
    checkRange("occluderProbability", occluderProbability, 0, 1);
    checkRange("multiObjectProbability", multiObjectProbability, 0, 1);
    checkRange("maxCount", maxCount, 1, 4);
    checkRange("maxRotationDeg", maxRotationDeg, 0, 180);
    if (minSize == null || maxSize == null || minSize.compareTo(maxSize) > 0) {
      throw new IllegalArgumentException(
          "minSize must be at most maxSize, got minSize=" + minSize + ", maxSize=" + maxSize);
    }
    checkRange("texturedProbability", texturedProbability, 0, 1);
    checkRange("captionDetail", captionDetail, 0, 1);
    checkRange("blurSigma", blurSigma, 0, 0.2);
    checkRange("pixelCells", pixelCells, 4, imageSize);
    checkRange("darkness", darkness, 0.05, 1);
    checkRange("sketchFade", sketchFade, 0, 1);
  }

  /** The defaults at 32x32 (the shipped model's input size). */
  public static WorldConfig defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.imageSize = imageSize;
    b.colourJitter = colourJitter;
    b.lightNoise = lightNoise;
    b.heavyNoise = heavyNoise;
    b.noisyProbability = noisyProbability;
    b.clutterProbability = clutterProbability;
    b.maxClutter = maxClutter;
    b.occluderProbability = occluderProbability;
    b.multiObjectProbability = multiObjectProbability;
    b.maxCount = maxCount;
    b.maxRotationDeg = maxRotationDeg;
    b.minSize = minSize;
    b.maxSize = maxSize;
    b.texturedProbability = texturedProbability;
    b.captionDetail = captionDetail;
    b.blurSigma = blurSigma;
    b.pixelCells = pixelCells;
    b.darkness = darkness;
    b.sketchFade = sketchFade;
    return b;
  }

  private static void checkRange(String key, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(
          "world config " + key + " must be in [" + min + ", " + max + "], got " + value);
    }
  }

  /** Builds a {@link WorldConfig}; every setter is optional, {@link #build()} validates. */
  public static final class Builder {
    private int imageSize = 32;
    private double colourJitter = 0.05;
    private double lightNoise = 0.02;
    private double heavyNoise = 0.12;
    private double noisyProbability = 0.15;
    private double clutterProbability = 0.5;
    private int maxClutter = 2;
    private double occluderProbability = 0.2;
    private double multiObjectProbability = 0.25;
    private int maxCount = 3;
    private double maxRotationDeg = 30;
    private ObjectSize minSize = ObjectSize.TINY;
    private ObjectSize maxSize = ObjectSize.LARGE;
    private double texturedProbability = 0.35;
    private double captionDetail = 0.5;
    private double blurSigma = 0.035;
    private int pixelCells = 16;
    private double darkness = 0.35;
    private double sketchFade = 0.85;

    private Builder() {}

    public Builder optImageSize(int v) {
      imageSize = v;
      return this;
    }

    public Builder optColourJitter(double v) {
      colourJitter = v;
      return this;
    }

    public Builder optLightNoise(double v) {
      lightNoise = v;
      return this;
    }

    public Builder optHeavyNoise(double v) {
      heavyNoise = v;
      return this;
    }

    public Builder optNoisyProbability(double v) {
      noisyProbability = v;
      return this;
    }

    public Builder optClutterProbability(double v) {
      clutterProbability = v;
      return this;
    }

    public Builder optMaxClutter(int v) {
      maxClutter = v;
      return this;
    }

    public Builder optOccluderProbability(double v) {
      occluderProbability = v;
      return this;
    }

    public Builder optMultiObjectProbability(double v) {
      multiObjectProbability = v;
      return this;
    }

    public Builder optMaxCount(int v) {
      maxCount = v;
      return this;
    }

    public Builder optMaxRotationDeg(double v) {
      maxRotationDeg = v;
      return this;
    }

    public Builder optSizes(ObjectSize min, ObjectSize max) {
      minSize = min;
      maxSize = max;
      return this;
    }

    public Builder optTexturedProbability(double v) {
      texturedProbability = v;
      return this;
    }

    public Builder optCaptionDetail(double v) {
      captionDetail = v;
      return this;
    }

    public Builder optBlurSigma(double v) {
      blurSigma = v;
      return this;
    }

    public Builder optPixelCells(int v) {
      pixelCells = v;
      return this;
    }

    public Builder optDarkness(double v) {
      darkness = v;
      return this;
    }

    public Builder optSketchFade(double v) {
      sketchFade = v;
      return this;
    }

    /** Validates and builds; a bad value fails naming the key and its allowed range. */
    public WorldConfig build() {
      return new WorldConfig(
          imageSize,
          colourJitter,
          lightNoise,
          heavyNoise,
          noisyProbability,
          clutterProbability,
          maxClutter,
          occluderProbability,
          multiObjectProbability,
          maxCount,
          maxRotationDeg,
          minSize,
          maxSize,
          texturedProbability,
          captionDetail,
          blurSigma,
          pixelCells,
          darkness,
          sketchFade);
    }
  }
}
