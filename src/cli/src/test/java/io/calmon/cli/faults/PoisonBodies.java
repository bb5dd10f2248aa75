package io.calmon.cli.faults;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Record values no outside producer should send but any can: bytes that are no Avro, Avro bodies
 * whose lengths or counts claim more than any limit, and an image whose header claims a huge size.
 * Built from the wire format alone (single-object encoding: {@code C3 01}, 8-byte fingerprint,
 * binary body), as an outside producer would write them.
 */
final class PoisonBodies {
  private static final int HEADER = 10;

  private PoisonBodies() {}

  /** Bytes that are not single-object-encoded Avro. */
  static byte[] garbage() {
    return "not avro at all".getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code encoded} with the length of its first field (a string) claimed as 2^30 bytes: a reader
   * without limits would allocate a gigabyte before finding the body too short.
   */
  static byte[] hugeFirstString(byte[] encoded) {
    int end = HEADER;
    while ((encoded[end] & 0x80) != 0) {
      end++; // the old length's continuation bytes
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(encoded, 0, HEADER);
    writeLong(out, 1L << 30);
    out.write(encoded, end + 1, encoded.length - end - 1);
    return out.toByteArray();
  }

  /**
   * {@code encoded}, whose last field is an empty array or map (one 0 byte), with a billion items
   * claimed instead.
   */
  static byte[] hugeLastCount(byte[] encoded) {
    if (encoded[encoded.length - 1] != 0) {
      throw new IllegalArgumentException("the body does not end with an empty array or map");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(encoded, 0, encoded.length - 1);
    writeLong(out, 1_000_000_000L);
    return out.toByteArray();
  }

  /** A valid 8x8 PNG whose IHDR (with a correct CRC) claims {@code width} x {@code height}. */
  static byte[] pngClaiming(int width, int height) {
    byte[] png = png(8, 8);
    byte[] patched = Arrays.copyOf(png, png.length);
    // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), ...; CRC after 13 bytes.
    ByteBuffer.wrap(patched, 16, 8).putInt(width).putInt(height);
    CRC32 crc = new CRC32();
    crc.update(patched, 12, 17);
    ByteBuffer.wrap(patched, 29, 4).putInt((int) crc.getValue());
    return patched;
  }

  private static byte[] png(int width, int height) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Avro's zig-zag varint. */
  private static void writeLong(ByteArrayOutputStream out, long value) {
    long n = (value << 1) ^ (value >> 63);
    while ((n & ~0x7FL) != 0) {
      out.write((int) ((n & 0x7F) | 0x80));
      n >>>= 7;
    }
    out.write((int) n);
  }
}
