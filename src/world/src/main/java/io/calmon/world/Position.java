package io.calmon.world;

import java.util.List;

/** Where a single object sits in the frame (as a fraction of the side), and how captions say it. */
public enum Position {
  CENTER(0.5, 0.5, List.of("in the center", "in the middle")),
  LEFT(0.3, 0.5, List.of("on the left")),
  RIGHT(0.7, 0.5, List.of("on the right")),
  TOP(0.5, 0.3, List.of("at the top")),
  BOTTOM(0.5, 0.7, List.of("at the bottom")),
  TOP_LEFT(0.3, 0.3, List.of("in the top left corner", "in a corner")),
  TOP_RIGHT(0.7, 0.3, List.of("in the top right corner", "in a corner")),
  BOTTOM_LEFT(0.3, 0.7, List.of("in the bottom left corner", "in a corner")),
  BOTTOM_RIGHT(0.7, 0.7, List.of("in the bottom right corner", "in a corner"));

  private final double x;
  private final double y;
  private final List<String> phrases;

  Position(double x, double y, List<String> phrases) {
    this.x = x;
    this.y = y;
    this.phrases = phrases;
  }

  /** Horizontal anchor, fraction of the side. */
  public double x() {
    return x;
  }

  /** Vertical anchor, fraction of the side (0 is the top). */
  public double y() {
    return y;
  }

  /** Phrases for this position, e.g. {@code "on the left"}. */
  public List<String> phrases() {
    return phrases;
  }
}
