package io.calmon.tuning;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Provokes what a busy JVM does at random: collects garbage (freeing the direct buffers of closed
 * arrays) and reuses the freed native memory, here filled with NaN. Run between a forward and a
 * backward pass, it turns a gradient that reads a freed buffer from rare into certain. (A copy of
 * the clip module's test helper of the same name; test classes do not cross modules here.)
 */
final class FreedMemory {
  private FreedMemory() {}

  /** Collects, then holds NaN-filled direct buffers of many sizes until the returned list dies. */
  static List<ByteBuffer> collectAndScribble() {
    List<ByteBuffer> scribbles = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      System.gc();
      try {
        Thread.sleep(20); // the reference handler frees the buffers of collected arrays
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      for (int bytes = 4; bytes <= 8192; bytes += 4) {
        for (int copy = 0; copy < (bytes <= 64 ? 200 : 2); copy++) {
          ByteBuffer b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
          for (int i = 0; i + 4 <= bytes; i += 4) {
            b.putFloat(i, Float.NaN);
          }
          scribbles.add(b);
        }
      }
    }
    return scribbles;
  }
}
