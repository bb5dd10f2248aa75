package io.calmon.world;

import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.Locale;

/**
 * The shape words of the world. Each draws as a path centred on the origin inside the unit circle;
 * the renderer scales, rotates and places it. Some pairs are deliberately confusable at small sizes
 * (hexagon/pentagon/circle, diamond/square under rotation, drop/heart).
 */
public enum Shape {
  CIRCLE("circles"),
  SQUARE("squares"),
  TRIANGLE("triangles"),
  STAR("stars"),
  HEART("hearts"),
  CROSS("crosses"),
  DIAMOND("diamonds"),
  HEXAGON("hexagons"),
  PENTAGON("pentagons"),
  RING("rings"),
  CRESCENT("crescents"),
  ARROW("arrows"),
  TRAPEZOID("trapezoids"),
  BOLT("bolts"),
  DROP("drops"),
  SEMICIRCLE("semicircles");

  private final String plural;

  Shape(String plural) {
    this.plural = plural;
  }

  /** The caption word, e.g. {@code "circle"}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The plural caption word, e.g. {@code "crosses"}. */
  public String plural() {
    return plural;
  }

  /** Looks a shape up by its word. */
  public static Shape ofWord(String word) {
    for (Shape s : values()) {
      if (s.word().equals(word)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown shape word '" + word + "'");
  }

  private static final java.util.Map<Shape, java.awt.Shape> UNIT_PATHS = unitPaths();

  /** The outline of this shape, centred on the origin, inside the unit circle (do not mutate). */
  public java.awt.Shape unitPath() {
    return UNIT_PATHS.get(this);
  }

  private static java.util.Map<Shape, java.awt.Shape> unitPaths() {
    java.util.Map<Shape, java.awt.Shape> m = new java.util.EnumMap<>(Shape.class);
    for (Shape s : values()) {
      // Flattened to a Path2D once: Area arithmetic is the costly part of drawing a shape.
      m.put(s, new Path2D.Double(s.build()));
    }
    return m;
  }

  private java.awt.Shape build() {
    switch (this) {
      case CIRCLE:
        return new Ellipse2D.Double(-0.9, -0.9, 1.8, 1.8);
      case SQUARE:
        return new Rectangle2D.Double(-0.72, -0.72, 1.44, 1.44);
      case TRIANGLE:
        return polygon(3, 1.0, -Math.PI / 2);
      case STAR:
        return star(5, 1.0, 0.42);
      case HEART:
        return heart();
      case CROSS:
        {
          Area a = new Area(new Rectangle2D.Double(-0.9, -0.3, 1.8, 0.6));
          a.add(new Area(new Rectangle2D.Double(-0.3, -0.9, 0.6, 1.8)));
          return a;
        }
      case DIAMOND:
        return polygon4(0.0, -1.0, 0.65, 0.0, 0.0, 1.0, -0.65, 0.0);
      case HEXAGON:
        return polygon(6, 0.95, 0);
      case PENTAGON:
        return polygon(5, 0.95, -Math.PI / 2);
      case RING:
        {
          Area a = new Area(new Ellipse2D.Double(-0.9, -0.9, 1.8, 1.8));
          a.subtract(new Area(new Ellipse2D.Double(-0.5, -0.5, 1.0, 1.0)));
          return a;
        }
      case CRESCENT:
        {
          Area a = new Area(new Ellipse2D.Double(-0.9, -0.9, 1.8, 1.8));
          a.subtract(new Area(new Ellipse2D.Double(-0.45, -1.0, 1.8, 1.8)));
          return a;
        }
      case ARROW:
        {
          Path2D.Double p = new Path2D.Double();
          p.moveTo(-0.9, -0.25);
          p.lineTo(0.15, -0.25);
          p.lineTo(0.15, -0.65);
          p.lineTo(0.95, 0.0);
          p.lineTo(0.15, 0.65);
          p.lineTo(0.15, 0.25);
          p.lineTo(-0.9, 0.25);
          p.closePath();
          return p;
        }
      case TRAPEZOID:
        return polygon4(-0.4, -0.6, 0.4, -0.6, 0.95, 0.6, -0.95, 0.6);
      case BOLT:
        {
          Path2D.Double p = new Path2D.Double();
          p.moveTo(0.2, -1.0);
          p.lineTo(-0.6, 0.15);
          p.lineTo(-0.05, 0.15);
          p.lineTo(-0.25, 1.0);
          p.lineTo(0.6, -0.2);
          p.lineTo(0.05, -0.2);
          p.closePath();
          return p;
        }
      case DROP:
        {
          Path2D.Double p = new Path2D.Double();
          p.moveTo(0.0, -1.0);
          p.curveTo(0.25, -0.55, 0.7, -0.15, 0.7, 0.3);
          p.curveTo(0.7, 0.72, 0.38, 0.95, 0.0, 0.95);
          p.curveTo(-0.38, 0.95, -0.7, 0.72, -0.7, 0.3);
          p.curveTo(-0.7, -0.15, -0.25, -0.55, 0.0, -1.0);
          p.closePath();
          return p;
        }
      case SEMICIRCLE:
        {
          Area a = new Area(new Ellipse2D.Double(-0.95, -0.6, 1.9, 1.9));
          a.intersect(new Area(new Rectangle2D.Double(-1.0, -0.6, 2.0, 0.95)));
          return a;
        }
      default:
        throw new AssertionError(this);
    }
  }

  private static Path2D polygon(int sides, double r, double phase) {
    Path2D.Double p = new Path2D.Double();
    for (int i = 0; i < sides; i++) {
      double a = phase + 2 * Math.PI * i / sides;
      if (i == 0) {
        p.moveTo(r * Math.cos(a), r * Math.sin(a));
      } else {
        p.lineTo(r * Math.cos(a), r * Math.sin(a));
      }
    }
    p.closePath();
    return p;
  }

  private static Path2D polygon4(double... xy) {
    Path2D.Double p = new Path2D.Double();
    p.moveTo(xy[0], xy[1]);
    for (int i = 2; i < xy.length; i += 2) {
      p.lineTo(xy[i], xy[i + 1]);
    }
    p.closePath();
    return p;
  }

  private static Path2D star(int points, double outer, double inner) {
    Path2D.Double p = new Path2D.Double();
    for (int i = 0; i < 2 * points; i++) {
      double r = i % 2 == 0 ? outer : inner;
      double a = -Math.PI / 2 + Math.PI * i / points;
      if (i == 0) {
        p.moveTo(r * Math.cos(a), r * Math.sin(a));
      } else {
        p.lineTo(r * Math.cos(a), r * Math.sin(a));
      }
    }
    p.closePath();
    return p;
  }

  private static Path2D heart() {
    Path2D.Double p = new Path2D.Double();
    p.moveTo(0.0, 0.9);
    p.curveTo(-0.35, 0.55, -0.95, 0.15, -0.95, -0.3);
    p.curveTo(-0.95, -0.75, -0.4, -0.95, 0.0, -0.5);
    p.curveTo(0.4, -0.95, 0.95, -0.75, 0.95, -0.3);
    p.curveTo(0.95, 0.15, 0.35, 0.55, 0.0, 0.9);
    p.closePath();
    return p;
  }
}
