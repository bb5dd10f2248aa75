package io.calmon.world;

import java.util.List;

/**
 * Object size classes as a fraction of the image side (the radius of the object's bounding circle),
 * and the adjectives captions use for them.
 */
public enum ObjectSize {
  TINY(0.12, 0.17, List.of("tiny")),
  SMALL(0.17, 0.24, List.of("small", "little")),
  MEDIUM(0.24, 0.32, List.of("medium")),
  LARGE(0.32, 0.42, List.of("large", "big"));

  private final double minRadius;
  private final double maxRadius;
  private final List<String> words;

  ObjectSize(double minRadius, double maxRadius, List<String> words) {
    this.minRadius = minRadius;
    this.maxRadius = maxRadius;
    this.words = words;
  }

  /** Smallest radius as a fraction of the image side. */
  public double minRadius() {
    return minRadius;
  }

  /** Largest radius as a fraction of the image side. */
  public double maxRadius() {
    return maxRadius;
  }

  /** Adjectives for this size. */
  public List<String> words() {
    return words;
  }
}
