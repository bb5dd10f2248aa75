package io.calmon.world;

import java.util.Locale;

/**
 * Small background objects that are never classes: they distract the image encoder and give
 * captions (and so the outlier vocabulary) nouns that are not class words.
 */
public enum Clutter {
  TREE,
  HOUSE,
  CLOUD,
  FLOWER,
  LEAF,
  FISH,
  BOAT,
  MUSHROOM,
  SUN,
  BALLOON,
  KITE,
  CUP;

  /** The noun, e.g. {@code "tree"}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
