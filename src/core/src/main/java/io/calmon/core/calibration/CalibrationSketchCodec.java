package io.calmon.core.calibration;

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
    for (int f = 0; f < sketch.counts.length; f++) {
      if (sketch.counts[f] > 0) {
        fineBins.add(
            new CalibrationSketchBin(
                f, sketch.counts[f], sketch.confidenceSums[f], sketch.correctCounts[f]));
      }
    }
    List<Long> labelled = new ArrayList<>(sketch.classCount);
    List<Long> correct = new ArrayList<>(sketch.classCount);
    for (int k = 0; k < sketch.classCount; k++) {
      labelled.add(sketch.classLabelled[k]);
      correct.add(sketch.classCorrect[k]);
    }
    return new CalibrationSketchState(
        sketch.binCount(),
        sketch.fineBinsPerBin(),
        fineBins,
        labelled,
        correct,
        sketch.brierSum,
        sketch.brierCount,
        sketch.nllSum,
        sketch.nllCount);
  }

  /**
   * The sketch an Avro record describes.
   *
   * @throws IllegalArgumentException if the record is inconsistent (bad shape, a bin index out of
   *     range or repeated, a negative count, more correct than counted, class arrays of different
   *     lengths); the message names the field
   */
  public static CalibrationSketch fromRecord(CalibrationSketchState state) {
    CalibrationSketch sketch =
        new CalibrationSketch(state.getBinCount(), state.getFineBinsPerBin());
    int fine = sketch.counts.length;
    int previous = -1;
    for (CalibrationSketchBin bin : state.getFineBins()) {
      int f = bin.getIndex();
      if (f <= previous || f >= fine) {
        throw new IllegalArgumentException(
            "fine_bins: index " + f + " out of order or outside [0, " + fine + ")");
      }
      if (bin.getCount() <= 0 || bin.getCorrect() < 0 || bin.getCorrect() > bin.getCount()) {
        throw new IllegalArgumentException(
            "fine_bins[" + f + "]: count " + bin.getCount() + ", correct " + bin.getCorrect());
      }
      double sum = bin.getConfidenceSum();
      if (!(sum >= 0.0 && sum <= bin.getCount())) {
        throw new IllegalArgumentException(
            "fine_bins[" + f + "]: confidence_sum " + sum + " outside [0, count]");
      }
      sketch.counts[f] = bin.getCount();
      sketch.confidenceSums[f] = sum;
      sketch.correctCounts[f] = bin.getCorrect();
      previous = f;
    }
    List<Long> labelled = state.getClassLabelled();
    List<Long> correct = state.getClassCorrect();
    if (labelled.size() != correct.size() || labelled.size() > CalibrationSketch.MAX_CLASSES) {
      throw new IllegalArgumentException(
          "class_labelled and class_correct: lengths " + labelled.size() + ", " + correct.size());
    }
    sketch.ensureClasses(labelled.size());
    for (int k = 0; k < labelled.size(); k++) {
      long n = labelled.get(k);
      long c = correct.get(k);
      if (n < 0 || c < 0 || c > n) {
        throw new IllegalArgumentException(
            "class " + k + ": class_labelled " + n + ", class_correct " + c);
      }
      sketch.classLabelled[k] = n;
      sketch.classCorrect[k] = c;
    }
    if (state.getBrierCount() < 0 || state.getNllCount() < 0) {
      throw new IllegalArgumentException(
          "brier_count " + state.getBrierCount() + ", nll_count " + state.getNllCount());
    }
    sketch.brierSum = state.getBrierSum();
    sketch.brierCount = state.getBrierCount();
    sketch.nllSum = state.getNllSum();
    sketch.nllCount = state.getNllCount();
    return sketch;
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
