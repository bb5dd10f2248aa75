package io.calmon.world;

import java.util.List;
import java.util.Locale;

/**
 * How a scene is rendered, and the words captions use for it. Style words carry visual information
 * the images differ in, which is what gives a learned prompt context leverage: the default task is
 * all {@link #SKETCH} while the hand-written template says "a photo of a {}.".
 */
public enum Style {
  /** Filled, shaded objects with drop shadows on a full-colour background. */
  PHOTO(List.of("photo", "picture")),
  /** Jittered coloured outlines and hatching on a faded paper background. */
  SKETCH(List.of("sketch", "pencil sketch", "drawing")),
  /** Photo smeared by short brush strokes of the underlying colours. */
  PAINTING(List.of("painting", "oil painting")),
  /** Flat fills with thick black outlines. */
  CARTOON(List.of("cartoon", "cartoon image")),
  /** Photo averaged over blocks and upscaled. */
  PIXELATED(List.of("pixelated photo", "pixelated image")),
  /** Photo under a Gaussian blur. */
  BLURRY(List.of("blurry photo", "blurred photo")),
  /** Photo at low brightness with a cold tint. */
  DARK(List.of("dark photo", "dim photo"));

  private final List<String> phrases;

  Style(List<String> phrases) {
    this.phrases = phrases;
  }

  /** Noun phrases a caption may use for this style ("a {phrase} of a red circle"). */
  public List<String> phrases() {
    return phrases;
  }

  /** The style's flag value, e.g. {@code "sketch"}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Looks a style up by its flag value, naming the known ones when it is unknown. */
  public static Style ofWord(String word) {
    for (Style s : values()) {
      if (s.word().equalsIgnoreCase(word)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown style '" + word + "'; known: " + List.of(values()).toString().toLowerCase());
  }
}
