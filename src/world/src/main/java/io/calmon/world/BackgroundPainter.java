package io.calmon.world;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.SplittableRandom;

/**
 * Paints a {@link Background} over the whole frame. Tones vary a little per image; fine grain
 * (speckles, grass blades, grain lines) is skipped when {@code detailed} is false (cartoon).
 */
final class BackgroundPainter {
  private static final int[] PASTELS = {
    0xF2F2F2, 0xE9E4D8, 0xDDE3E8, 0xE8DDE3, 0xE0E8DA, 0xEEE8D0, 0xD8D8D8, 0xCFD8DC
  };

  private BackgroundPainter() {}

  static void paint(Graphics2D g, Background bg, int side, SplittableRandom rng, boolean detailed) {
    double s = side;
    switch (bg) {
      case PLAIN:
        fill(g, s, tone(rng, PASTELS[rng.nextInt(PASTELS.length)], 10));
        break;
      case GRASS:
        fill(g, s, tone(rng, 0x5E9E3A, 14));
        if (detailed) {
          g.setStroke(new BasicStroke((float) (s / 64)));
          for (int i = 0; i < side * 2; i++) {
            double x = rng.nextDouble() * s;
            double y = rng.nextDouble() * s;
            g.setColor(new Color(rng.nextBoolean() ? 0x3F7A26 : 0x86C35A));
            g.draw(new Line2D.Double(x, y, x + (rng.nextDouble() - 0.5) * s / 24, y - s / 16));
          }
        }
        break;
      case SAND:
        fill(g, s, tone(rng, 0xE0C58F, 10));
        if (detailed) {
          speckle(g, rng, s, side * 3, 0xC8A86A, s / 48);
        }
        break;
      case SKY:
        g.setPaint(
            new GradientPaint(
                0, 0, new Color(tone(rng, 0x5B97DE, 12)), 0, (float) s, new Color(0xCFE6FA)));
        g.fill(new Rectangle2D.Double(0, 0, s, s));
        break;
      case WATER:
        fill(g, s, tone(rng, 0x2F6FB0, 12));
        g.setColor(new Color(0x6FA6D8));
        g.setStroke(new BasicStroke((float) (s / 48)));
        for (double y = rng.nextDouble() * s / 8; y < s; y += s / 8) {
          Path2D.Double wave = new Path2D.Double();
          wave.moveTo(0, y);
          for (double x = 0; x <= s; x += s / 16) {
            wave.lineTo(x, y + Math.sin(x / s * 12) * s / 48);
          }
          g.draw(wave);
        }
        break;
      case BRICK:
        {
          fill(g, s, 0xBDB6A8);
          double bh = s / 8;
          double bw = s / 4;
          for (int row = 0; row * bh < s; row++) {
            double off = row % 2 == 0 ? 0 : -bw / 2;
            for (double x = off; x < s; x += bw) {
              g.setColor(new Color(tone(rng, 0xA8483A, 16)));
              g.fill(new Rectangle2D.Double(x + 0.7, row * bh + 0.7, bw - 1.4, bh - 1.4));
            }
          }
          break;
        }
      case WOOD:
        fill(g, s, tone(rng, 0xB07D4B, 12));
        g.setStroke(new BasicStroke((float) (s / 80)));
        for (double y = rng.nextDouble() * s / 10; y < s; y += s / 10) {
          g.setColor(new Color(0x8A5A30));
          g.draw(new Line2D.Double(0, y, s, y + (rng.nextDouble() - 0.5) * s / 20));
        }
        if (detailed) {
          g.setColor(new Color(0x7A4C26));
          g.draw(new Line2D.Double(s * rng.nextDouble(), 0, s * rng.nextDouble(), s));
        }
        break;
      case SNOW:
        fill(g, s, tone(rng, 0xF2F5FA, 4));
        if (detailed) {
          speckle(g, rng, s, side * 2, 0xC9D6E8, s / 40);
        }
        break;
      case NIGHT:
        fill(g, s, tone(rng, 0x101830, 6));
        speckle(g, rng, s, side / 3, 0xF0F0D0, s / 40);
        break;
      case CHECKERED:
        {
          int a = tone(rng, PASTELS[rng.nextInt(PASTELS.length)], 6);
          int b = tone(rng, 0x9A9A9A, 20);
          double c = s / (4 + rng.nextInt(3));
          for (int i = 0; i * c < s; i++) {
            for (int j = 0; j * c < s; j++) {
              g.setColor(new Color((i + j) % 2 == 0 ? a : b));
              g.fill(new Rectangle2D.Double(i * c, j * c, c, c));
            }
          }
          break;
        }
      case STRIPED:
        {
          fill(g, s, tone(rng, PASTELS[rng.nextInt(PASTELS.length)], 6));
          g.setColor(new Color(tone(rng, 0xA0A0B0, 20)));
          g.setStroke(new BasicStroke((float) (s / 14)));
          double step = s / 5;
          boolean diagonal = rng.nextBoolean();
          for (double x = -s; x < 2 * s; x += step) {
            g.draw(new Line2D.Double(x, 0, diagonal ? x + s : x, s));
          }
          break;
        }
      case DOTTED:
        {
          fill(g, s, tone(rng, PASTELS[rng.nextInt(PASTELS.length)], 6));
          g.setColor(new Color(tone(rng, 0xA8A8A8, 20)));
          double step = s / 6;
          double r = s / 28;
          for (double y = step / 2; y < s; y += step) {
            for (double x = step / 2; x < s; x += step) {
              g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
            }
          }
          break;
        }
      case TILES:
        {
          fill(g, s, 0x9C9C9C);
          double c = s / 4;
          for (double y = 0; y < s; y += c) {
            for (double x = 0; x < s; x += c) {
              g.setColor(new Color(tone(rng, 0xD9D4CC, 8)));
              g.fill(new Rectangle2D.Double(x + 0.8, y + 0.8, c - 1.6, c - 1.6));
            }
          }
          break;
        }
      case GRAVEL:
        fill(g, s, tone(rng, 0x8E8A84, 10));
        for (int i = 0; i < side; i++) {
          int grey = 0x60 + rng.nextInt(0x70);
          g.setColor(new Color(grey, grey, grey - 8));
          double r = s / 40 + rng.nextDouble() * s / 40;
          double x = rng.nextDouble() * s;
          double y = rng.nextDouble() * s;
          g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 1.6 * r));
        }
        break;
      default:
        throw new AssertionError(bg);
    }
  }

  private static void fill(Graphics2D g, double s, int rgb) {
    g.setColor(new Color(rgb));
    g.fill(new Rectangle2D.Double(0, 0, s, s));
  }

  private static void speckle(
      Graphics2D g, SplittableRandom rng, double s, int n, int rgb, double r) {
    g.setColor(new Color(rgb));
    for (int i = 0; i < n; i++) {
      double x = rng.nextDouble() * s;
      double y = rng.nextDouble() * s;
      g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
    }
  }

  /** {@code rgb} with each channel moved by up to {@code spread} either way. */
  static int tone(SplittableRandom rng, int rgb, int spread) {
    int d = spread == 0 ? 0 : rng.nextInt(2 * spread + 1) - spread;
    int r = ImageEffects.clamp(((rgb >> 16) & 0xFF) + d);
    int g = ImageEffects.clamp(((rgb >> 8) & 0xFF) + d);
    int b = ImageEffects.clamp((rgb & 0xFF) + d);
    return (r << 16) | (g << 8) | b;
  }
}
