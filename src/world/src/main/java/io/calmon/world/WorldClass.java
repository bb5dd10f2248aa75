package io.calmon.world;

/**
 * A class of the world: a colour and a shape, named {@code "<colour> <shape>"}.
 *
 * @param colour the colour word
 * @param shape the shape word
 */
public record WorldClass(Colour colour, Shape shape) implements Comparable<WorldClass> {

  /** The class name as prompts use it, e.g. {@code "red circle"}. */
  public String name() {
    return colour.word() + " " + shape.word();
  }

  /** The name as a folder name, e.g. {@code "red_circle"}. */
  public String folderName() {
    return colour.word() + "_" + shape.word();
  }

  /** Parses {@code "red circle"} back into a class. */
  public static WorldClass parse(String name) {
    String[] parts = name.trim().split("\\s+");
    if (parts.length != 2) {
      throw new IllegalArgumentException("a class name is '<colour> <shape>', got '" + name + "'");
    }
    return new WorldClass(Colour.ofWord(parts[0]), Shape.ofWord(parts[1]));
  }

  @Override
  public int compareTo(WorldClass o) {
    return name().compareTo(o.name());
  }

  @Override
  public String toString() {
    return name();
  }
}
