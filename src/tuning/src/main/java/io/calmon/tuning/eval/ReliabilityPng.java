package io.calmon.tuning.eval;

import io.calmon.core.calibration.ReliabilityBin;
import io.calmon.core.calibration.ReliabilityDiagram;
import io.calmon.core.calibration.TopLabelRows;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Equal-width reliability diagrams drawn side by side into one PNG with Java2D (an off-screen
 * {@link BufferedImage}, so a headless JVM is fine). Each panel shows per-bin accuracy as bars, the
 * diagonal, the gap between accuracy and mean confidence shaded in red, the per-bin row counts as a
 * grey strip under the plot (bar height proportional to the bin's count, at least one pixel for a
 * non-empty bin) and the diagram's ECE in its title. Text needs any font the JVM can find.
 */
public final class ReliabilityPng {

  /**
   * One panel.
   *
   * @param name what the rows are, e.g. "base"
   * @param rows the rows to bin; a panel with no rows says so instead of drawing bars
   */
  public record Panel(String name, TopLabelRows rows) {}

  static final int PLOT = 300;
  static final int LEFT = 60;
  static final int RIGHT = 24;
  static final int PANEL_WIDTH = LEFT + PLOT + RIGHT;
  static final int HEADER = 34;
  static final int PANEL_TITLE = 26;
  static final int PLOT_TOP = HEADER + PANEL_TITLE;
  static final int PLOT_BOTTOM = PLOT_TOP + PLOT;
  static final int STRIP_TOP = PLOT_BOTTOM + 8;
  static final int STRIP = 32;
  static final int STRIP_BOTTOM = STRIP_TOP + STRIP;
  static final int HEIGHT = STRIP_BOTTOM + 44;

  static final Color BACKGROUND = Color.WHITE;
  static final Color BAR = new Color(0x4C72B0);
  static final Color BAR_EDGE = new Color(0x2B4A80);
  static final Color GAP = new Color(0xD6, 0x27, 0x28, 80);
  static final Color GAP_EDGE = new Color(0xD62728);
  static final Color COUNT = new Color(0xB4B4B4);
  private static final Color AXIS = new Color(0x404040);
  private static final Color DIAGONAL = new Color(0x606060);
  private static final Color GRID = new Color(0xEEEEEE);

  private record Swatch(String label, Color fill, Color edge) {}

  private static final List<Swatch> LEGEND =
      List.of(
          new Swatch("accuracy", BAR, BAR_EDGE),
          new Swatch("gap to confidence", GAP, GAP_EDGE),
          new Swatch("count", COUNT, COUNT));

  private ReliabilityPng() {}

  /** A filesystem-safe file name for a method's diagram: "coop+dor" gives "coop-dor.png". */
  public static String fileName(String method) {
    return method.replaceAll("[^A-Za-z0-9._-]", "-") + ".png";
  }

  /** The panel title: name, ECE in percent and row count, or that there are no rows. */
  static String panelTitle(String name, ReliabilityDiagram d) {
    return d == null
        ? name + ": no rows"
        : String.format(Locale.ROOT, "%s: ECE %.2f%% (n = %d)", name, 100 * d.ece(), d.total());
  }

  /** The diagram of {@code rows} over {@code bins} equal-width bins; null for no rows. */
  static ReliabilityDiagram diagram(TopLabelRows rows, int bins) {
    return rows.size() == 0 ? null : ReliabilityDiagram.of(rows, bins);
  }

  /** Left x of panel {@code p}'s plot area. */
  static int plotLeft(int p) {
    return p * PANEL_WIDTH + LEFT;
  }

  /** The pixel column at a confidence of {@code v} in panel {@code p}. */
  static int x(int p, double v) {
    return plotLeft(p) + (int) Math.round(v * PLOT);
  }

  /** The pixel row at an accuracy of {@code v}. */
  static int y(double v) {
    return PLOT_BOTTOM - (int) Math.round(v * PLOT);
  }

  /**
   * Draws {@code panels} left to right under a header line.
   *
   * @throws IllegalArgumentException if there are no panels or bins is below 1
   */
  public static BufferedImage render(String header, List<Panel> panels, int bins) {
    if (panels.isEmpty()) {
      throw new IllegalArgumentException("no panels to draw");
    }
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be at least 1, got " + bins);
    }
    BufferedImage img =
        new BufferedImage(PANEL_WIDTH * panels.size(), HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(BACKGROUND);
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      g.setColor(AXIS);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(header, LEFT, 22);
      drawLegend(g, img.getWidth() - RIGHT);
      for (int p = 0; p < panels.size(); p++) {
        Panel panel = panels.get(p);
        drawPanel(g, p, panel.name(), diagram(panel.rows(), bins));
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  private static void drawPanel(Graphics2D g, int p, String name, ReliabilityDiagram d) {
    int left = plotLeft(p);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.setColor(AXIS);
    g.drawString(panelTitle(name, d), left, PLOT_TOP - 8);
    g.setColor(GRID);
    for (int t = 1; t < 5; t++) {
      g.drawLine(left, y(t / 5.0), left + PLOT, y(t / 5.0));
    }
    if (d == null) {
      drawCentred(g, "no test images", left + PLOT / 2, PLOT_TOP + PLOT / 2);
    } else {
      drawBars(g, p, d.bins());
    }
    Graphics2D dashed = (Graphics2D) g.create();
    dashed.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    dashed.setColor(DIAGONAL);
    dashed.setStroke(
        new BasicStroke(
            1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
    dashed.draw(new Line2D.Double(left, PLOT_BOTTOM, left + PLOT, PLOT_TOP));
    dashed.dispose();
    drawAxes(g, left);
  }

  private static void drawBars(Graphics2D g, int p, List<ReliabilityBin> bins) {
    long max = bins.stream().mapToLong(ReliabilityBin::count).max().orElse(0);
    for (ReliabilityBin b : bins) {
      if (b.isEmpty()) {
        continue;
      }
      int x0 = x(p, b.lower()) + 1;
      int w = Math.max(1, x(p, b.upper()) - x0);
      int top = y(b.accuracy());
      g.setColor(BAR);
      g.fillRect(x0, top, w, PLOT_BOTTOM - top);
      g.setColor(BAR_EDGE);
      g.drawRect(x0, top, w - 1, PLOT_BOTTOM - top - 1);
      int gapTop = y(Math.max(b.accuracy(), b.confidence()));
      int gapBottom = y(Math.min(b.accuracy(), b.confidence()));
      if (gapBottom > gapTop) {
        g.setColor(GAP);
        g.fillRect(x0, gapTop, w, gapBottom - gapTop);
        g.setColor(GAP_EDGE);
        g.drawRect(x0, gapTop, w - 1, gapBottom - gapTop - 1);
      }
      int h = (int) Math.max(1, Math.round((double) STRIP * b.count() / max));
      g.setColor(COUNT);
      g.fillRect(x0, STRIP_BOTTOM - h, w, h);
    }
  }

  private static void drawAxes(Graphics2D g, int left) {
    g.setColor(AXIS);
    g.drawRect(left, PLOT_TOP, PLOT, PLOT);
    g.drawLine(left, STRIP_BOTTOM, left + PLOT, STRIP_BOTTOM);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics fm = g.getFontMetrics();
    for (int t = 0; t <= 5; t++) {
      String label = String.format(Locale.ROOT, "%.1f", t / 5.0);
      int xt = left + (int) Math.round(t / 5.0 * PLOT);
      g.drawLine(xt, STRIP_BOTTOM, xt, STRIP_BOTTOM + 4);
      g.drawString(label, xt - fm.stringWidth(label) / 2, STRIP_BOTTOM + 6 + fm.getAscent());
      int yt = y(t / 5.0);
      g.drawLine(left - 4, yt, left, yt);
      g.drawString(label, left - 7 - fm.stringWidth(label), yt + fm.getAscent() / 2 - 1);
    }
    g.drawString("count", left - 7 - fm.stringWidth("count"), STRIP_BOTTOM - 2);
    drawCentred(g, "confidence", left + PLOT / 2, STRIP_BOTTOM + 34);
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2, left - 42, PLOT_TOP + PLOT / 2);
    drawCentred(g, "accuracy", left - 42, PLOT_TOP + PLOT / 2);
    g.setTransform(saved);
  }

  /** Swatches for the bars and the gap, right-aligned at {@code right} on the header line. */
  private static void drawLegend(Graphics2D g, int right) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics fm = g.getFontMetrics();
    int x = right;
    for (int i = LEGEND.size() - 1; i >= 0; i--) {
      Swatch s = LEGEND.get(i);
      x -= fm.stringWidth(s.label());
      g.setColor(AXIS);
      g.drawString(s.label(), x, 21);
      x -= 14;
      g.setColor(s.fill());
      g.fillRect(x, 12, 10, 10);
      g.setColor(s.edge());
      g.drawRect(x, 12, 9, 9);
      x -= 12;
    }
  }

  private static void drawCentred(Graphics2D g, String s, int cx, int cy) {
    FontMetrics fm = g.getFontMetrics();
    g.drawString(s, cx - fm.stringWidth(s) / 2, cy + fm.getAscent() / 2);
  }

  /**
   * Renders and writes a PNG to {@code file} (its directory must exist).
   *
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, String header, List<Panel> panels, int bins)
      throws IOException {
    BufferedImage img = render(header, panels, bins);
    try (OutputStream out = Files.newOutputStream(file)) {
      if (!ImageIO.write(img, "png", out)) {
        throw new IOException("no PNG writer in this JVM");
      }
    }
  }
}
