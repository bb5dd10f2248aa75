package io.calmon.world;

import java.util.List;

/** Something in front of the objects that hides part of them, and how captions say it. */
public enum Occluder {
  FENCE(List.of("behind a fence")),
  POLE(List.of("behind a pole")),
  SHADOW(List.of("in the shadow", "partly in shadow"));

  private final List<String> phrases;

  Occluder(List<String> phrases) {
    this.phrases = phrases;
  }

  /** Phrases for this occluder, e.g. {@code "behind a fence"}. */
  public List<String> phrases() {
    return phrases;
  }
}
