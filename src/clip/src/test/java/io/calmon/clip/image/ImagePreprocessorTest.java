package io.calmon.clip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

  private final ImagePreprocessor preprocessor = new ImagePreprocessor(32);

  @Test
  void shouldPassAnImageAtTheModelSizeThroughWithoutResampling() throws IOException {
    BufferedImage image = randomImage(32, 32, 1);
    float[] out = preprocessor.preprocess(png(image));
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        int rgb = image.getRGB(x, y);
        assertEquals(normalised((rgb >> 16) & 0xff, 0), out[(0 * 32 + y) * 32 + x], 1e-6);
        assertEquals(normalised((rgb >> 8) & 0xff, 1), out[(1 * 32 + y) * 32 + x], 1e-6);
        assertEquals(normalised(rgb & 0xff, 2), out[(2 * 32 + y) * 32 + x], 1e-6);
      }
    }
  }

  @Test
  void shouldCentreCropTheLongSide() throws IOException {
    BufferedImage image = randomImage(64, 32, 2); // short side already 32: crop only
    float[] out = preprocessor.preprocess(png(image));
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        int red = (image.getRGB(x + 16, y) >> 16) & 0xff;
        assertEquals(normalised(red, 0), out[y * 32 + x], 1e-6);
      }
    }
  }

  @Test
  void shouldKeepAConstantColourConstantWhenDownscaling() throws IOException {
    BufferedImage image = new BufferedImage(100, 77, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 77; y++) {
      for (int x = 0; x < 100; x++) {
        image.setRGB(x, y, 0x336699);
      }
    }
    float[] out = preprocessor.preprocess(png(image));
    for (int i = 0; i < 32 * 32; i++) {
      assertEquals(normalised(0x33, 0), out[i], 1e-5);
      assertEquals(normalised(0x99, 2), out[2 * 32 * 32 + i], 1e-5);
    }
  }

  @Test
  void shouldReproduceALinearRampAwayFromTheBorders() throws IOException {
    // Bicubic reproduces linear functions; halving 64 -> 32 samples the ramp at 2x + 0.5.
    BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        int v = 3 * x + 20;
        image.setRGB(x, y, (v << 16) | (v << 8) | v);
      }
    }
    float[] out = preprocessor.preprocess(png(image));
    for (int x = 4; x < 28; x++) {
      float expected = normalised(3 * (2 * x + 0.5f) + 20, 1);
      assertEquals(expected, out[32 * 32 + 10 * 32 + x], 1e-4, "column " + x);
    }
  }

  @Test
  void shouldRejectBytesThatAreNoImage() {
    byte[] noise = new byte[500];
    new Random(3).nextBytes(noise);
    ImageDecodingException e =
        assertThrows(ImageDecodingException.class, () -> preprocessor.preprocess(noise));
    assertTrue(e.getMessage().contains("not a decodable image"), e::getMessage);
  }

  @Test
  void shouldRejectTruncatedPngAndJpeg() throws IOException {
    BufferedImage image = randomImage(64, 64, 4);
    for (byte[] bytes : new byte[][] {png(image), encode(image, "jpg")}) {
      byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);
      assertThrows(ImageDecodingException.class, () -> preprocessor.preprocess(truncated));
    }
  }

  @Test
  void shouldRejectADecompressionBombFromItsHeaderAlone() throws IOException {
    // A 1x1 PNG whose header claims 100000 x 100000: decoding it would need 40 GB.
    byte[] bytes = withHeader(png(randomImage(1, 1, 5)), 100_000, 100_000, 8);
    ImageDecodingException e =
        assertThrows(ImageTooLargeException.class, () -> preprocessor.preprocess(bytes));
    assertTrue(e.getMessage().contains("10000000000 pixels"), e::getMessage);
    ImagePreprocessor strict = new ImagePreprocessor(32, 1000);
    assertThrows(
        ImageTooLargeException.class, () -> strict.preprocess(png(randomImage(40, 40, 6))));
  }

  @Test
  void shouldRefuseByDefaultAHeaderJustUnderPilsLimitThatWouldNeedGigabytes() throws IOException {
    // 9459 x 9459 = 89.47 megapixels, just under PIL's 89478485: about 1.7 GB of heap once decoded
    // and resampled as whole planes. The default budget refuses it from the header.
    byte[] bytes = withHeader(png(randomImage(1, 1, 7)), 9459, 9459, 8);
    ImageDecodingException e =
        assertThrows(ImageTooLargeException.class, () -> preprocessor.preprocess(bytes));
    assertTrue(e.getMessage().contains("89472681 pixels"), e::getMessage);
  }

  @Test
  void shouldCountSixteenBitSamplesAgainstTheByteBudget() throws IOException {
    // RGBA with 16-bit samples decodes to 8 bytes a pixel: 90% of the pixel limit is over the
    // byte budget of 4 bytes per pixel of the limit, though under the pixel limit itself.
    BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
    byte[] bytes = withHeader(png(argb), 3000, 3000, 16);
    ImagePreprocessor budget = new ImagePreprocessor(32, 10_000_000);
    ImageDecodingException e =
        assertThrows(ImageTooLargeException.class, () -> budget.preprocess(bytes));
    assertTrue(e.getMessage().contains("8 bytes per decoded pixel"), e::getMessage);
  }

  /** A PNG's bytes with the header's width, height and bit depth replaced (CRC recomputed). */
  private static byte[] withHeader(byte[] png, int width, int height, int bitDepth) {
    byte[] bytes = png.clone();
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    buf.putInt(16, width).putInt(20, height).put(24, (byte) bitDepth);
    CRC32 crc = new CRC32();
    crc.update(bytes, 12, 17); // IHDR type + data
    buf.putInt(29, (int) crc.getValue());
    return bytes;
  }

  private static float normalised(float value, int channel) {
    return (value / 255f - ImagePreprocessor.MEAN[channel]) / ImagePreprocessor.STD[channel];
  }

  private static BufferedImage randomImage(int w, int h, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    return image;
  }

  static byte[] png(BufferedImage image) throws IOException {
    return encode(image, "png");
  }

  static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, format, out), "no writer for " + format);
    return out.toByteArray();
  }
}
