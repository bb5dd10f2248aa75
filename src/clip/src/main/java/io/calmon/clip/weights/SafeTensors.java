package io.calmon.clip.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calmon.clip.ModelFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}}}, then raw little-endian data. Parsed
 * here rather than through DJL so that F16 and BF16 are converted to F32 explicitly (DJL aborts the
 * JVM on BF16) and every inconsistency is reported with the tensor's name.
 */
public final class SafeTensors {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L << 20;

  private SafeTensors() {}

  /** A file's tensors, in header order, all as F32, and the SHA-256 of the file. */
  public record Contents(Map<String, Tensor> tensors, String sha256) {}

  /** Reads every tensor of a safetensors file, converting F16 and BF16 to F32. */
  public static Contents read(Path file) {
    ByteBuffer buf;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new ModelFormatException(file + ": files over 2 GiB are not supported");
      }
      buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new ModelFormatException("cannot read " + file + ": " + e.getMessage(), e);
    }
    String sha = sha256(buf.duplicate());
    return new Contents(parse(file.toString(), buf), sha);
  }

  /** Parses safetensors bytes; {@code source} names them in errors. */
  public static Map<String, Tensor> parse(String source, ByteBuffer bytes) {
    ByteBuffer buf = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long size = buf.remaining();
    if (size < 8) {
      throw new ModelFormatException(source + ": truncated safetensors file (" + size + " bytes)");
    }
    long headerLength = buf.getLong(0);
    if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > size - 8) {
      throw new ModelFormatException(
          source + ": corrupt safetensors header length " + headerLength + " (file " + size + ")");
    }
    byte[] headerBytes = new byte[(int) headerLength];
    buf.position(8);
    buf.get(headerBytes);
    JsonNode header;
    try {
      header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new ModelFormatException(source + ": corrupt safetensors header: " + e.getMessage());
    }
    if (header == null || !header.isObject()) {
      throw new ModelFormatException(source + ": safetensors header is not a JSON object");
    }
    long dataStart = 8 + headerLength;
    long dataSize = size - dataStart;
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : header.properties()) {
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      out.put(e.getKey(), tensor(source, e.getKey(), e.getValue(), buf, dataStart, dataSize));
    }
    return out;
  }

  private static Tensor tensor(
      String source, String name, JsonNode info, ByteBuffer buf, long dataStart, long dataSize) {
    String where = source + ": tensor " + name;
    String dtype = info.path("dtype").asText("");
    JsonNode shapeNode = info.path("shape");
    JsonNode offsets = info.path("data_offsets");
    if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
      throw new ModelFormatException(where + ": header entry lacks shape or data_offsets");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong(-1);
      if (shape[i] < 0) {
        throw new ModelFormatException(where + ": bad shape " + shapeNode);
      }
    }
    int width;
    switch (dtype) {
      case "F32":
        width = 4;
        break;
      case "F16":
      case "BF16":
        width = 2;
        break;
      default:
        throw new ModelFormatException(where + ": unsupported dtype '" + dtype + "'");
    }
    long begin = offsets.get(0).asLong(-1);
    long end = offsets.get(1).asLong(-1);
    long n = Tensor.elements(shape);
    if (begin < 0 || end < begin || end > dataSize) {
      throw new ModelFormatException(
          where
              + ": data_offsets ["
              + begin
              + ", "
              + end
              + "] outside the "
              + dataSize
              + " data bytes (truncated file?)");
    }
    if (end - begin != n * width) {
      throw new ModelFormatException(
          where
              + ": "
              + (end - begin)
              + " bytes for "
              + dtype
              + " shape "
              + Arrays.toString(shape)
              + ", expected "
              + n * width);
    }
    float[] data = new float[(int) n];
    int at = (int) (dataStart + begin);
    for (int i = 0; i < n; i++) {
      switch (width) {
        case 4:
          data[i] = buf.getFloat(at + 4 * i);
          break;
        default:
          short bits = buf.getShort(at + 2 * i);
          data[i] = dtype.equals("F16") ? halfToFloat(bits) : bfloat16ToFloat(bits);
      }
    }
    return new Tensor(name, shape, data);
  }

  /** IEEE 754 binary16 to float, subnormals, infinities and NaN included. */
  public static float halfToFloat(short half) {
    int h = half & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      // Subnormal (or zero): mant * 2^-24, exact in float.
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** bfloat16 is the top half of a float. */
  public static float bfloat16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** Writes tensors as F32 safetensors (header padded to 8 bytes) and returns the SHA-256. */
  public static String write(Path file, Iterable<Tensor> tensors) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    for (Tensor t : tensors) {
      ObjectNode entry = header.putObject(t.name());
      entry.put("dtype", "F32");
      var shape = entry.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      entry.putArray("data_offsets").add(offset).add(offset + 4L * t.data().length);
      offset += 4L * t.data().length;
    }
    byte[] text = JSON.writeValueAsBytes(header);
    int padded = (text.length + 7) / 8 * 8;
    byte[] headerBytes = Arrays.copyOf(text, padded);
    Arrays.fill(headerBytes, text.length, padded, (byte) ' ');
    MessageDigest digest = sha256Digest();
    try (OutputStream out = Files.newOutputStream(file)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      writeHashed(out, digest, len.array(), len.capacity());
      writeHashed(out, digest, headerBytes, headerBytes.length);
      ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (Tensor t : tensors) {
        for (float v : t.data()) {
          if (!chunk.hasRemaining()) {
            writeHashed(out, digest, chunk.array(), chunk.position());
            chunk.clear();
          }
          chunk.putFloat(v);
        }
      }
      writeHashed(out, digest, chunk.array(), chunk.position());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void writeHashed(OutputStream out, MessageDigest digest, byte[] b, int n)
      throws IOException {
    out.write(b, 0, n);
    digest.update(b, 0, n);
  }

  /** The hex SHA-256 of a file. */
  public static String sha256(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return sha256(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
    }
  }

  private static String sha256(ByteBuffer buf) {
    MessageDigest digest = sha256Digest();
    digest.update(buf);
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
