package io.calmon.world;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * Renders a {@link Scene} to an RGB image. Deterministic: the same scene (including its detail
 * seed) always gives the same pixels on the same JVM.
 *
 * <p>Order: background (faded to paper for sketches), clutter, class objects, occluder, then the
 * style's whole-image pass (brush strokes, blocks, blur, darkness), drift blur and pixel noise.
 */
public final class SceneRenderer {
  private static final int PAPER = 0xF4F0E6;

  private final WorldConfig config;

  public SceneRenderer(WorldConfig config) {
    this.config = config;
  }

  /** Renders {@code scene} into a new {@code TYPE_INT_RGB} image of the scene's size. */
  public BufferedImage render(Scene scene) {
    int side = scene.size();
    Style style = scene.style();
    SplittableRandom rng = new SplittableRandom(scene.detailSeed());
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);

      BackgroundPainter.paint(g, scene.background(), side, rng, style != Style.CARTOON);
      if (style == Style.SKETCH) {
        ImageEffects.fadeTowards(img, PAPER, config.sketchFade());
      }
      PartPainter painter = new PartPainter(g, style, side, rng);
      for (ClutterItem item : scene.clutter()) {
        ClutterPainter.paint(painter, item);
      }
      for (SceneObject o : scene.objects()) {
        java.awt.Shape region = placed(o);
        painter.paint(region, o.rgb(), true);
        painter.texture(region, o.rgb(), o.texture(), o.radius(), o.rotationDeg());
      }
      scene.occluder().ifPresent(occ -> paintOccluder(g, painter, occ, scene, rng));
    } finally {
      g.dispose();
    }

    switch (style) {
      case PAINTING:
        brushStrokes(img, rng);
        ImageEffects.blur(img, side / 96.0);
        break;
      case PIXELATED:
        ImageEffects.pixelate(img, Math.min(config.pixelCells(), side));
        break;
      case BLURRY:
        ImageEffects.blur(img, config.blurSigma() * side);
        break;
      case DARK:
        ImageEffects.darken(img, config.darkness());
        break;
      default:
        break;
    }
    ImageEffects.blur(img, scene.extraBlur());
    ImageEffects.addNoise(img, scene.noiseStd(), rng);
    return img;
  }

  /** The object's outline in pixels: unit shape scaled to its radius, rotated, placed. */
  static java.awt.Shape placed(SceneObject o) {
    AffineTransform tx = new AffineTransform();
    tx.translate(o.cx(), o.cy());
    tx.rotate(Math.toRadians(o.rotationDeg()));
    tx.scale(o.radius(), o.radius());
    return tx.createTransformedShape(o.shape().unitPath());
  }

  private static void paintOccluder(
      Graphics2D g, PartPainter painter, Occluder occ, Scene scene, SplittableRandom rng) {
    double s = scene.size();
    SceneObject target = scene.objects().get(0);
    switch (occ) {
      case FENCE:
        {
          double w = s / 14;
          double gap = s / 4.5;
          double anchor = target.cx() - gap * (0.2 + rng.nextDouble());
          double start = anchor - Math.ceil((anchor + w) / gap) * gap;
          for (double x = start; x < s; x += gap) {
            painter.paint(new Rectangle2D.Double(x, -1, w, s + 2), 0xA0703C, false);
          }
          break;
        }
      case POLE:
        {
          double w = s / 9;
          double x = target.cx() + (rng.nextDouble() - 0.5) * target.radius();
          AffineTransform tilt =
              AffineTransform.getRotateInstance(
                  Math.toRadians((rng.nextDouble() - 0.5) * 30), x, target.cy());
          painter.paint(
              tilt.createTransformedShape(new Rectangle2D.Double(x - w / 2, -s, w, 3 * s)),
              0x7A7A7A,
              false);
          break;
        }
      case SHADOW:
        {
          double a = rng.nextDouble() * 2 * Math.PI;
          double r = target.radius() * 1.1;
          double cx = target.cx() + Math.cos(a) * target.radius() * 0.6;
          double cy = target.cy() + Math.sin(a) * target.radius() * 0.6;
          g.setColor(new Color(0, 0, 0, 115));
          g.fill(new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r));
          break;
        }
      default:
        throw new AssertionError(occ);
    }
  }

  /** Painterly smear: short thick strokes in the colours already under them. */
  private static void brushStrokes(BufferedImage img, SplittableRandom rng) {
    int side = img.getWidth();
    int[] px = ImageEffects.pixels(img);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      float width = Math.max(1.5f, side / 16f);
      g.setStroke(
          new java.awt.BasicStroke(
              width, java.awt.BasicStroke.CAP_ROUND, java.awt.BasicStroke.JOIN_ROUND));
      int strokes = side * side / 10;
      for (int i = 0; i < strokes; i++) {
        int x = rng.nextInt(side);
        int y = rng.nextInt(side);
        int p = px[y * side + x];
        int d = rng.nextInt(31) - 15;
        int r = ImageEffects.clamp(((p >> 16) & 0xFF) + d);
        int gr = ImageEffects.clamp(((p >> 8) & 0xFF) + d);
        int b = ImageEffects.clamp((p & 0xFF) + d);
        g.setColor(new Color(r, gr, b, 150));
        double a = rng.nextDouble() * Math.PI;
        double len = side / 14.0;
        g.draw(
            new java.awt.geom.Line2D.Double(
                x, y, x + Math.cos(a) * len * 0.5, y + Math.sin(a) * len * 0.5));
      }
    } finally {
      g.dispose();
    }
  }
}
