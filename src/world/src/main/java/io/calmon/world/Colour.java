package io.calmon.world;

import java.awt.Color;
import java.util.Locale;

/**
 * The colour words of the world with the RGB each stands for. Some neighbours are deliberately
 * close (navy/blue, maroon/brown, lime/green, magenta/pink/purple): how close the palette is, and
 * how much colour jitter blurs it, is one of the knobs that sets zero-shot accuracy.
 */
public enum Colour {
  RED(0xD7261E),
  ORANGE(0xF28A1A),
  YELLOW(0xF2D21B),
  LIME(0x9BE22D),
  GREEN(0x2E9E3A),
  OLIVE(0x7D7A1E),
  TEAL(0x18918C),
  CYAN(0x3FD7E8),
  BLUE(0x2657DD),
  NAVY(0x1B2770),
  PURPLE(0x7A34B8),
  MAGENTA(0xD52BC5),
  PINK(0xF59AC0),
  MAROON(0x7A1630),
  BROWN(0x8A5426),
  GRAY(0x8C8C8C),
  BLACK(0x1A1A1A);

  private final int rgb;

  Colour(int rgb) {
    this.rgb = rgb;
  }

  /** The caption word, e.g. {@code "red"}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The nominal colour before jitter. */
  public Color color() {
    return new Color(rgb);
  }

  /** Looks a colour up by its word. */
  public static Colour ofWord(String word) {
    for (Colour c : values()) {
      if (c.word().equals(word)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown colour word '" + word + "'");
  }
}
