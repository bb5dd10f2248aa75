package io.calmon.world;

import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws {@link Clutter} items as a few coloured parts in unit coordinates (inside the unit circle),
 * each painted by the style's {@link PartPainter}. Their natural colours overlap class colours on
 * purpose (a sun is a yellow disc, a balloon a red ellipse): the image encoder has to tell a class
 * object from a distractor.
 */
final class ClutterPainter {
  private ClutterPainter() {}

  private record Part(java.awt.Shape unitShape, int rgb) {}

  static void paint(PartPainter painter, ClutterItem item) {
    AffineTransform tx = new AffineTransform();
    tx.translate(item.cx(), item.cy());
    tx.rotate(Math.toRadians(item.rotationDeg()));
    tx.scale(item.radius(), item.radius());
    for (Part p : parts(item.kind())) {
      painter.paint(tx.createTransformedShape(p.unitShape()), p.rgb(), false);
    }
  }

  private static List<Part> parts(Clutter kind) {
    List<Part> parts = new ArrayList<>();
    switch (kind) {
      case TREE:
        parts.add(new Part(rect(-0.15, 0.1, 0.3, 0.9), 0x6B4423));
        parts.add(new Part(new Ellipse2D.Double(-0.7, -1.0, 1.4, 1.25), 0x3C8D2F));
        break;
      case HOUSE:
        parts.add(new Part(rect(-0.7, -0.1, 1.4, 1.0), 0xE8D8B0));
        parts.add(new Part(poly(-0.9, -0.1, 0, -0.9, 0.9, -0.1), 0x9B3B2B));
        parts.add(new Part(rect(-0.15, 0.4, 0.3, 0.5), 0x5A3A1A));
        break;
      case CLOUD:
        {
          Area a = new Area(new Ellipse2D.Double(-0.95, -0.2, 1.0, 0.75));
          a.add(new Area(new Ellipse2D.Double(-0.45, -0.6, 1.0, 1.0)));
          a.add(new Area(new Ellipse2D.Double(0.1, -0.25, 0.85, 0.75)));
          parts.add(new Part(a, 0xF4F6F8));
          break;
        }
      case FLOWER:
        parts.add(new Part(rect(-0.06, 0.0, 0.12, 1.0), 0x3C8D2F));
        {
          Area petals = new Area();
          for (int i = 0; i < 5; i++) {
            double a = 2 * Math.PI * i / 5;
            double x = 0.38 * Math.cos(a);
            double y = -0.35 + 0.38 * Math.sin(a);
            petals.add(new Area(new Ellipse2D.Double(x - 0.28, y - 0.28, 0.56, 0.56)));
          }
          parts.add(new Part(petals, 0xF7F3F0));
        }
        parts.add(new Part(new Ellipse2D.Double(-0.2, -0.55, 0.4, 0.4), 0xF5C400));
        break;
      case LEAF:
        parts.add(new Part(new Ellipse2D.Double(-0.9, -0.4, 1.8, 0.8), 0x4CAF50));
        parts.add(new Part(rect(-0.85, -0.04, 1.7, 0.08), 0x2E6B30));
        break;
      case FISH:
        parts.add(new Part(poly(0.35, 0, 1.0, -0.5, 1.0, 0.5), 0xE07A1F));
        parts.add(new Part(new Ellipse2D.Double(-0.8, -0.42, 1.3, 0.84), 0xF08A24));
        break;
      case BOAT:
        parts.add(new Part(rect(-0.04, -0.9, 0.08, 1.1), 0x5A3A1A));
        parts.add(new Part(poly(0.06, -0.85, 0.06, 0.1, 0.75, 0.1), 0xF2F2F2));
        parts.add(new Part(poly(-0.9, 0.2, 0.9, 0.2, 0.6, 0.7, -0.6, 0.7), 0x8A5426));
        break;
      case MUSHROOM:
        parts.add(new Part(rect(-0.2, -0.05, 0.4, 0.85), 0xEFE3C8));
        {
          Area cap = new Area(new Ellipse2D.Double(-0.85, -0.8, 1.7, 1.5));
          cap.intersect(new Area(rect(-1, -1, 2, 0.95)));
          parts.add(new Part(cap, 0xC62828));
        }
        break;
      case SUN:
        {
          Area rays = new Area();
          for (int i = 0; i < 8; i++) {
            AffineTransform r = AffineTransform.getRotateInstance(Math.PI * i / 4);
            rays.add(new Area(r.createTransformedShape(rect(-0.07, -1.0, 0.14, 0.5))));
          }
          parts.add(new Part(rays, 0xF7B500));
          parts.add(new Part(new Ellipse2D.Double(-0.5, -0.5, 1.0, 1.0), 0xF7C600));
          break;
        }
      case BALLOON:
        parts.add(new Part(rect(-0.03, 0.25, 0.06, 0.75), 0x555555));
        parts.add(new Part(new Ellipse2D.Double(-0.5, -0.95, 1.0, 1.25), 0xE53935));
        break;
      case KITE:
        parts.add(new Part(poly(0, 0.5, 0.08, 0.5, 0.3, 1.0, 0.22, 1.0), 0x555555));
        parts.add(new Part(poly(0, -0.9, 0.55, -0.2, 0, 0.6, -0.55, -0.2), 0x3F51B5));
        break;
      case CUP:
        {
          Area handle = new Area(new Ellipse2D.Double(0.2, -0.3, 0.6, 0.6));
          handle.subtract(new Area(new Ellipse2D.Double(0.35, -0.15, 0.3, 0.3)));
          parts.add(new Part(handle, 0xDADADA));
          parts.add(new Part(poly(-0.6, -0.5, 0.45, -0.5, 0.35, 0.6, -0.5, 0.6), 0xEDEDED));
          break;
        }
      default:
        throw new AssertionError(kind);
    }
    return parts;
  }

  private static Rectangle2D rect(double x, double y, double w, double h) {
    return new Rectangle2D.Double(x, y, w, h);
  }

  private static Path2D poly(double... xy) {
    Path2D.Double p = new Path2D.Double();
    p.moveTo(xy[0], xy[1]);
    for (int i = 2; i < xy.length; i += 2) {
      p.lineTo(xy[i], xy[i + 1]);
    }
    p.closePath();
    return p;
  }
}
