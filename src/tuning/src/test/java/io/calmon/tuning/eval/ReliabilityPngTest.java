package io.calmon.tuning.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.calmon.core.calibration.TopLabelRows;
import io.calmon.tuning.eval.ReliabilityPng.Panel;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReliabilityPng} on hand-made rows over 10 bins: bins 3, 7 and 9 hold rows, the others are
 * empty. Checks the file decodes, its size, and one pixel per bin in the bars and in the count
 * strip, never a whole image.
 */
class ReliabilityPngTest {
  private static final int BINS = 10;
  private static final Set<Integer> FILLED = Set.of(3, 7, 9);

  /** Bin 3: 2 of 3 right at 0.35; bin 7: 3 of 3 at 0.75; bin 9: 1 of 2 at 0.95. */
  private static TopLabelRows rows() {
    return new TopLabelRows(
        new double[] {0.35, 0.35, 0.35, 0.75, 0.75, 0.75, 0.95, 0.95},
        new boolean[] {true, true, false, true, true, true, true, false});
  }

  @TempDir Path dir;

  private static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xFFFFFF;
  }

  private static int rgb(Color c) {
    return c.getRGB() & 0xFFFFFF;
  }

  @Test
  void shouldWriteADecodablePngWithOneBarAndOneCountPerNonEmptyBin() throws Exception {
    Path file = dir.resolve("coop.png");
    TopLabelRows none = new TopLabelRows(new double[0], new boolean[0]);
    ReliabilityPng.write(
        file,
        "coop: 1 seed(s) pooled",
        List.of(new Panel("base", rows()), new Panel("new", none)),
        BINS);

    BufferedImage img = ImageIO.read(Files.newInputStream(file));
    assertNotNull(img, "not a decodable image");
    assertEquals(2 * ReliabilityPng.PANEL_WIDTH, img.getWidth());
    assertEquals(ReliabilityPng.HEIGHT, img.getHeight());
    int barRow = ReliabilityPng.PLOT_BOTTOM - 3;
    int countRow = ReliabilityPng.STRIP_BOTTOM - 1;
    for (int b = 0; b < BINS; b++) {
      int x = ReliabilityPng.x(0, (b + 0.5) / BINS);
      boolean filled = FILLED.contains(b);
      int bar = filled ? rgb(ReliabilityPng.BAR) : rgb(ReliabilityPng.BACKGROUND);
      int count = filled ? rgb(ReliabilityPng.COUNT) : rgb(ReliabilityPng.BACKGROUND);
      assertEquals(bar, rgb(img, x, barRow), "bar of bin " + b);
      assertEquals(count, rgb(img, x, countRow), "count of bin " + b);
      // The panel without rows draws no bars and no counts.
      int x1 = ReliabilityPng.x(1, (b + 0.5) / BINS);
      assertEquals(rgb(ReliabilityPng.BACKGROUND), rgb(img, x1, barRow), "new bar of bin " + b);
      assertEquals(rgb(ReliabilityPng.BACKGROUND), rgb(img, x1, countRow), "new count " + b);
    }
    // The count strip is proportional: bin 9 (2 rows) is two thirds as tall as bin 3 (3 rows).
    int x3 = ReliabilityPng.x(0, 0.35);
    int x9 = ReliabilityPng.x(0, 0.95);
    int top = ReliabilityPng.STRIP_BOTTOM - ReliabilityPng.STRIP;
    assertEquals(rgb(ReliabilityPng.COUNT), rgb(img, x3, top + 1));
    assertEquals(rgb(ReliabilityPng.BACKGROUND), rgb(img, x9, top + 1));
    // Bin 7 is right and underconfident at 0.75: its bar reaches accuracy 1, shaded above 0.75.
    int x7 = ReliabilityPng.x(0, 0.75);
    assertEquals(rgb(ReliabilityPng.BAR), rgb(img, x7, ReliabilityPng.y(0.5)));
    assertEquals(false, rgb(img, x7, ReliabilityPng.y(0.9)) == rgb(ReliabilityPng.BAR));
  }

  @Test
  void shouldPutTheEceAndCountInThePanelTitle() {
    // (3 |2/3 - 0.35| + 3 |1 - 0.75| + 2 |0.5 - 0.95|) / 8 = (0.95 + 0.75 + 0.9) / 8 = 0.325.
    assertEquals(
        "base: ECE 32.50% (n = 8)",
        ReliabilityPng.panelTitle("base", ReliabilityPng.diagram(rows(), BINS)));
    assertEquals("new: no rows", ReliabilityPng.panelTitle("new", null));
  }

  @Test
  void shouldNameFilesSafely() {
    assertEquals("coop-dor.png", ReliabilityPng.fileName("coop+dor"));
    assertEquals("kgcoop-dor.png", ReliabilityPng.fileName("kgcoop+dor"));
    assertEquals("zeroshot.png", ReliabilityPng.fileName("zeroshot"));
  }

  @Test
  void shouldRefuseNoPanels() {
    assertThrows(IllegalArgumentException.class, () -> ReliabilityPng.render("x", List.of(), 15));
  }
}
