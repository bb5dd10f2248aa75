package io.calmon.world;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.SplittableRandom;

/**
 * Paints one coloured region (an object, a part of a clutter item, a fence plank) the way a style
 * draws it: shaded with a shadow (photo and its derivatives), flat with a black outline (cartoon)
 * or as jittered outline and hatching on paper (sketch).
 */
final class PartPainter {
  private final Graphics2D g;
  private final Style style;
  private final double side;
  private final SplittableRandom rng;

  PartPainter(Graphics2D g, Style style, int side, SplittableRandom rng) {
    this.g = g;
    this.style = style;
    this.side = side;
    this.rng = rng;
  }

  /** Paints {@code region} in {@code rgb}; {@code shadow} adds a drop shadow in shaded styles. */
  void paint(Shape region, int rgb, boolean shadow) {
    Color fill = new Color(rgb);
    switch (style) {
      case SKETCH:
        hatch(region, fill);
        outline(region, fill, side / 36, true);
        break;
      case CARTOON:
        g.setColor(fill);
        g.fill(region);
        g.setColor(new Color(0x111111));
        g.setStroke(
            new BasicStroke((float) (side / 22), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(region);
        break;
      default:
        if (shadow) {
          g.setColor(new Color(0, 0, 0, 70));
          Shape shifted =
              AffineTransform.getTranslateInstance(side / 40, side / 40)
                  .createTransformedShape(region);
          g.fill(shifted);
        }
        g.setColor(fill);
        g.fill(region);
        Rectangle2D b = region.getBounds2D();
        g.setPaint(
            new GradientPaint(
                (float) b.getMinX(),
                (float) b.getMinY(),
                new Color(255, 255, 255, 80),
                (float) b.getMaxX(),
                (float) b.getMaxY(),
                new Color(0, 0, 0, 70)));
        g.fill(region);
        outline(region, fill.darker(), side / 80, false);
        break;
    }
  }

  /** Overlays a fill pattern inside {@code region}, in a colour contrasting with {@code rgb}. */
  void texture(Shape region, int rgb, Texture texture, double radius, double rotationDeg) {
    if (texture == Texture.SOLID) {
      return;
    }
    Shape oldClip = g.getClip();
    AffineTransform oldTx = g.getTransform();
    g.clip(region);
    Rectangle2D b = region.getBounds2D();
    g.rotate(Math.toRadians(rotationDeg), b.getCenterX(), b.getCenterY());
    g.setColor(contrast(rgb));
    double step = Math.max(2.5, radius / 2.2);
    double x0 = b.getCenterX() - 2 * radius;
    double y0 = b.getCenterY() - 2 * radius;
    double x1 = b.getCenterX() + 2 * radius;
    double y1 = b.getCenterY() + 2 * radius;
    switch (texture) {
      case STRIPED:
        g.setStroke(new BasicStroke((float) (step / 2.4)));
        for (double y = y0; y < y1; y += step) {
          g.draw(new Line2D.Double(x0, y, x1, y));
        }
        break;
      case DOTTED:
        for (double y = y0; y < y1; y += step) {
          for (double x = x0; x < x1; x += step) {
            double r = step / 4.5;
            g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
          }
        }
        break;
      case CHECKERED:
        {
          int row = 0;
          for (double y = y0; y < y1; y += step / 1.4, row++) {
            int col = 0;
            for (double x = x0; x < x1; x += step / 1.4, col++) {
              if ((row + col) % 2 == 0) {
                g.fill(new Rectangle2D.Double(x, y, step / 1.4, step / 1.4));
              }
            }
          }
          break;
        }
      case WAVY:
        g.setStroke(new BasicStroke((float) (step / 3)));
        for (double y = y0; y < y1; y += step) {
          Path2D.Double wave = new Path2D.Double();
          wave.moveTo(x0, y);
          for (double x = x0; x <= x1; x += step / 4) {
            wave.lineTo(x, y + Math.sin((x - x0) / step * Math.PI) * step / 4);
          }
          g.draw(wave);
        }
        break;
      default:
        throw new AssertionError(texture);
    }
    g.setTransform(oldTx);
    g.setClip(oldClip);
  }

  private void hatch(Shape region, Color c) {
    Shape oldClip = g.getClip();
    g.clip(region);
    Rectangle2D b = region.getBounds2D();
    g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 150));
    g.setStroke(new BasicStroke((float) (side / 70)));
    double step = side / 18;
    double span = b.getWidth() + b.getHeight();
    double slant = 0.6 + rng.nextDouble() * 0.8;
    for (double t = -span; t < span; t += step) {
      double x = b.getMinX() + t;
      g.draw(new Line2D.Double(x, b.getMaxY(), x + b.getHeight() * slant, b.getMinY()));
    }
    g.setClip(oldClip);
  }

  private void outline(Shape region, Color c, double width, boolean jitter) {
    g.setColor(c);
    g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    if (!jitter) {
      g.draw(region);
      return;
    }
    for (int pass = 0; pass < 2; pass++) {
      double dx = (rng.nextDouble() - 0.5) * side / 40;
      double dy = (rng.nextDouble() - 0.5) * side / 40;
      g.draw(AffineTransform.getTranslateInstance(dx, dy).createTransformedShape(region));
    }
  }

  /** Darker for light colours, lighter for dark ones. */
  static Color contrast(int rgb) {
    int r = (rgb >> 16) & 0xFF;
    int g = (rgb >> 8) & 0xFF;
    int b = rgb & 0xFF;
    double lum = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    if (lum > 0.45) {
      return new Color((int) (r * 0.45), (int) (g * 0.45), (int) (b * 0.45));
    }
    return new Color((r + 2 * 255) / 3, (g + 2 * 255) / 3, (b + 2 * 255) / 3);
  }
}
