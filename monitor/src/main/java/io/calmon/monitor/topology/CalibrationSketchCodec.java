package io.calmon.monitor.topology;

import io.calmon.core.calibration.CalibrationSketch;
import io.calmon.schemas.CalibrationSketchBin;
import io.calmon.schemas.CalibrationSketchState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts a {@link CalibrationSketch} to and from its Avro record {@link CalibrationSketchState}
 * (the monitor's state-store value), and to bytes in Avro single-object encoding.
 *
 * <p>Only non-empty fine bins are written, so a sketch whose confidences cluster (the usual case
 * for CLIP) stays a few hundred bytes. Decoding validates the record and names the bad field: a
 * state store or topic may hold bytes from a buggy or older writer.
 */
public final class CalibrationSketchCodec {

  private CalibrationSketchCodec() {}

  /** The sketch as an Avro record. */
  public static CalibrationSketchState toRecord(CalibrationSketch sketch) {
    List<CalibrationSketchBin> fineBins = new ArrayList<>();
    for (int f = 0; f < sketch.fineBinCount(); f++) {
      if (sketch.fineCount(f) > 0) {
        fineBins.add(
            new CalibrationSketchBin(
                f, sketch.fineCount(f), sketch.fineConfidenceSum(f), sketch.fineCorrect(f)));
      }
    }
    List<Long> labelled = new ArrayList<>(sketch.classCount());
    List<Long> correct = new ArrayList<>(sketch.classCount());
    for (int k = 0; k < sketch.classCount(); k++) {
      labelled.add(sketch.labelledCount(k));
      correct.add(sketch.correctCount(k));
    }
    return new CalibrationSketchState(
        sketch.binCount(),
        sketch.fineBinsPerBin(),
        fineBins,
        labelled,
        correct,
        sketch.brierSum(),
        sketch.brierCount(),
        sketch.nllSum(),
        sketch.nllCount());
  }

  /**
   * The sketch an Avro record describes.
   *
   * @throws IllegalArgumentException if the record is inconsistent (bad shape, a bin index out of
   *     range or repeated, a negative count, more correct than counted, class arrays of different
   *     lengths); the message names the field
   */
  public static CalibrationSketch fromRecord(CalibrationSketchState state) {
    int binCount = state.getBinCount();
    int fineBinsPerBin = state.getFineBinsPerBin();
    if (binCount < 1
        || fineBinsPerBin < 1
        || (long) binCount * fineBinsPerBin > CalibrationSketch.MAX_FINE_BINS) {
      throw new IllegalArgumentException(
          "bin_count " + binCount + ", fine_bins_per_bin " + fineBinsPerBin + ": bad shape");
    }
    int fine = binCount * fineBinsPerBin;
    long[] counts = new long[fine];
    double[] sums = new double[fine];
    long[] correct = new long[fine];
    int previous = -1;
    for (CalibrationSketchBin bin : state.getFineBins()) {
      int f = bin.getIndex();
      if (f <= previous || f >= fine) {
        throw new IllegalArgumentException(
            "fine_bins: index " + f + " out of order or outside [0, " + fine + ")");
      }
      if (bin.getCount() <= 0) {
        throw new IllegalArgumentException("fine_bins[" + f + "]: count " + bin.getCount());
      }
      counts[f] = bin.getCount();
      sums[f] = bin.getConfidenceSum();
      correct[f] = bin.getCorrect();
      previous = f;
    }
    try {
      return CalibrationSketch.restore(
          binCount,
          fineBinsPerBin,
          counts,
          sums,
          correct,
          longs(state.getClassLabelled()),
          longs(state.getClassCorrect()),
          state.getBrierSum(),
          state.getBrierCount(),
          state.getNllSum(),
          state.getNllCount());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("calibration sketch record: " + e.getMessage(), e);
    }
  }

  private static long[] longs(List<Long> values) {
    long[] out = new long[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  /** The sketch in Avro single-object encoding (marker, schema fingerprint, binary record). */
  public static byte[] encode(CalibrationSketch sketch) {
    try {
      ByteBuffer buffer = toRecord(sketch).toByteBuffer();
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode calibration sketch", e);
    }
  }

  /**
   * The sketch from Avro single-object encoding.
   *
   * @throws IllegalArgumentException if the bytes are not a valid sketch record
   */
  public static CalibrationSketch decode(byte[] bytes) {
    CalibrationSketchState state;
    try {
      state = CalibrationSketchState.fromByteBuffer(ByteBuffer.wrap(bytes));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a calibration sketch record: " + e.getMessage(), e);
    }
    return fromRecord(state);
  }
}
