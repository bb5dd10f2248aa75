package io.calmon.world;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** A grid of images, enlarged without smoothing, so a person can look at the world. */
public final class ContactSheet {
  private ContactSheet() {}

  /**
   * Lays {@code images} out row by row, {@code columns} to a row, each enlarged {@code scale} times
   * (nearest neighbour) with a 4-pixel gap. Image {@code i} is at row {@code i / columns}, column
   * {@code i % columns}.
   */
  public static BufferedImage of(List<BufferedImage> images, int columns, int scale) {
    if (images.isEmpty() || columns < 1 || scale < 1) {
      throw new IllegalArgumentException(
          "need images, columns >= 1 and scale >= 1, got "
              + images.size()
              + " images, columns="
              + columns
              + ", scale="
              + scale);
    }
    int gap = 4;
    int cell = images.get(0).getWidth() * scale;
    int rows = (images.size() + columns - 1) / columns;
    int w = columns * (cell + gap) + gap;
    int h = rows * (cell + gap) + gap;
    BufferedImage sheet = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setColor(new Color(0x303030));
      g.fillRect(0, 0, w, h);
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
      for (int i = 0; i < images.size(); i++) {
        int x = gap + (i % columns) * (cell + gap);
        int y = gap + (i / columns) * (cell + gap);
        g.drawImage(images.get(i), x, y, cell, cell, null);
      }
    } finally {
      g.dispose();
    }
    return sheet;
  }
}
