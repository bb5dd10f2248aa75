package io.calmon.world;

import java.util.List;

/**
 * What lies behind the objects, and the prepositional phrases captions use for it. None of these
 * words is a class word, which makes them part of every task's outlier vocabulary.
 */
public enum Background {
  PLAIN("plain background", List.of("on a plain background")),
  GRASS("grass", List.of("on grass", "on the grass")),
  SAND("sand", List.of("on sand", "on the beach")),
  SKY("sky", List.of("in the sky")),
  WATER("water", List.of("on water", "in the water")),
  BRICK("brick wall", List.of("in front of a brick wall")),
  WOOD("wooden floor", List.of("on a wooden floor", "on wood")),
  SNOW("snow", List.of("on snow", "in the snow")),
  NIGHT("night sky", List.of("in the night sky", "at night")),
  CHECKERED("checkered background", List.of("on a checkered background")),
  STRIPED("striped background", List.of("on a striped background")),
  DOTTED("dotted background", List.of("on a dotted background")),
  TILES("tiled floor", List.of("on tiles", "on a tiled floor")),
  GRAVEL("gravel", List.of("on gravel"));

  private final String noun;
  private final List<String> phrases;

  Background(String noun, List<String> phrases) {
    this.noun = noun;
    this.phrases = phrases;
  }

  /** The background as a noun phrase, e.g. {@code "brick wall"}. */
  public String noun() {
    return noun;
  }

  /** Phrases that follow the subject in a caption, e.g. {@code "in front of a brick wall"}. */
  public List<String> phrases() {
    return phrases;
  }
}
