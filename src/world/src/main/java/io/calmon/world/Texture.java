package io.calmon.world;

import java.util.Locale;

/** The pattern inside an object; {@link #SOLID} is the plain fill and is rarely mentioned. */
public enum Texture {
  SOLID,
  STRIPED,
  DOTTED,
  CHECKERED,
  WAVY;

  /** The adjective a caption uses, e.g. {@code "striped"}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
