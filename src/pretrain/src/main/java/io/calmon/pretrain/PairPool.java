package io.calmon.pretrain;

import io.calmon.clip.image.ImagePreprocessor;
import io.calmon.clip.text.ClipTokenizer;
import io.calmon.world.Background;
import io.calmon.world.Colour;
import io.calmon.world.Scene;
import io.calmon.world.WorldPretrainingData;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A fixed pool of pretraining pairs, rendered once (rendering costs about as much as a training
 * step, so pairs are reused across epochs): images as bytes, captions as token ids cut to the
 * model's context (end-of-text kept last, as CLIP truncates).
 */
final class PairPool {
  private final int size;
  private final int count;
  private final byte[] pixels; // [count, 3, size, size], 0-255
  private final long[][] ids; // [count, context]
  private final int[] looks; // style, background and colour of every pair: hard-negative groups

  private PairPool(int size, int count, byte[] pixels, long[][] ids, int[] looks) {
    this.size = size;
    this.count = count;
    this.pixels = pixels;
    this.ids = ids;
    this.looks = looks;
  }

  /**
   * Renders pairs {@code 0 .. count-1} of {@code data} on all cores.
   *
   * @param tokenizer a tokenizer with a context long enough for any caption
   * @param context the model's context; longer captions are cut, keeping end-of-text
   */
  static PairPool render(
      WorldPretrainingData data, int count, ClipTokenizer tokenizer, int context) {
    Rendered r = Rendered.of(data, count);
    long[][] full = tokenizer.encode(List.of(r.captions()));
    long[][] ids = new long[count][];
    for (int i = 0; i < count; i++) {
      ids[i] = cut(full[i], context);
    }
    return new PairPool(r.size(), count, r.pixels(), ids, r.looks());
  }

  /**
   * Pairs {@code 0 .. count-1} rendered, not yet tokenized (the GPU scripts' dumper writes them as
   * they are).
   *
   * @param pixels {@code [count, 3, size, size]}, 0-255
   * @param captions the captions, in order
   * @param looks the {@link #look(Scene)} key of every pair
   */
  record Rendered(int size, byte[] pixels, String[] captions, int[] looks) {
    /** Renders on all cores. */
    static Rendered of(WorldPretrainingData data, int count) {
      int size = data.config().imageSize();
      int each = 3 * size * size;
      byte[] pixels = new byte[Math.multiplyExact(count, each)];
      String[] captions = new String[count];
      int[] looks = new int[count];
      IntStream.range(0, count)
          .parallel()
          .forEach(
              i -> {
                WorldPretrainingData.Sample s = data.get(i);
                toBytes(s.chw(), pixels, i * each);
                captions[i] = s.caption();
                looks[i] = look(s.scene());
              });
      return new Rendered(size, pixels, captions, looks);
    }
  }

  /** Writes a {@code [0, 1]} image as bytes, {@code round(x * 255)}, into {@code out}. */
  static void toBytes(float[] chw, byte[] out, int offset) {
    for (int k = 0; k < chw.length; k++) {
      out[offset + k] = (byte) Math.round(chw[k] * 255f);
    }
  }

  /** A key equal for two scenes exactly when they share style, background and object colour. */
  static int look(Scene scene) {
    int styleAndBackground =
        scene.style().ordinal() * Background.values().length + scene.background().ordinal();
    return styleAndBackground * Colour.values().length + scene.worldClass().colour().ordinal();
  }

  private static long[] cut(long[] row, int context) {
    long[] out = new long[context];
    int eot = 0;
    for (int j = 1; j < row.length; j++) {
      if (row[j] > row[eot]) {
        eot = j;
      }
    }
    if (eot < context) {
      System.arraycopy(row, 0, out, 0, context);
    } else {
      System.arraycopy(row, 0, out, 0, context - 1);
      out[context - 1] = row[eot];
    }
    return out;
  }

  int count() {
    return count;
  }

  int size() {
    return size;
  }

  /** The {@link #look(Scene)} key of every pair, indexed like the pool. */
  int[] looks() {
    return looks.clone();
  }

  long[] ids(int i) {
    return ids[i];
  }

  /** Writes pair {@code i}'s image, normalised with CLIP's mean/std, into {@code out}. */
  void normalisedImage(int i, float[] out, int offset) {
    int plane = size * size;
    int base = i * 3 * plane;
    for (int c = 0; c < 3; c++) {
      float mean = ImagePreprocessor.MEAN[c];
      float std = ImagePreprocessor.STD[c];
      for (int k = 0; k < plane; k++) {
        int v = pixels[base + c * plane + k] & 0xFF;
        out[offset + c * plane + k] = (v / 255f - mean) / std;
      }
    }
  }
}
