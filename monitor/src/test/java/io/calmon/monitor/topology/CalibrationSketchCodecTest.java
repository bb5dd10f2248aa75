package io.calmon.monitor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.core.calibration.CalibrationSketch;
import io.calmon.schemas.CalibrationSketchBin;
import io.calmon.schemas.CalibrationSketchState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CalibrationSketchCodecTest {

  private static CalibrationSketch sample() {
    CalibrationSketch sketch = new CalibrationSketch(15);
    SplittableRandom rng = new SplittableRandom(2);
    for (int i = 0; i < 500; i++) {
      double p = 0.5 + 0.5 * rng.nextDouble();
      int label = rng.nextInt(4);
      sketch.add(new double[] {p, (1 - p) / 3, (1 - p) / 3, (1 - p) / 3}, label);
    }
    sketch.add(0.0, false);
    sketch.add(1.0, true);
    return sketch;
  }

  @Test
  void shouldRoundTripThroughTheRecord() {
    CalibrationSketch sketch = sample();
    assertEquals(
        sketch, CalibrationSketchCodec.fromRecord(CalibrationSketchCodec.toRecord(sketch)));
  }

  @Test
  void shouldRoundTripThroughBytes() {
    CalibrationSketch sketch = sample();
    byte[] bytes = CalibrationSketchCodec.encode(sketch);
    CalibrationSketch decoded = CalibrationSketchCodec.decode(bytes);
    assertEquals(sketch, decoded);
    assertEquals(sketch.ece(), decoded.ece());
  }

  @Test
  void shouldWriteOnlyNonEmptyFineBins() {
    CalibrationSketch sketch = new CalibrationSketch(15);
    sketch.add(0.97, true);
    sketch.add(0.98, false);
    CalibrationSketchState state = CalibrationSketchCodec.toRecord(sketch);
    assertTrue(state.getFineBins().size() <= 2);
    assertTrue(CalibrationSketchCodec.encode(sketch).length < 100);
  }

  @Test
  void shouldRoundTripAnEmptySketch() {
    CalibrationSketch empty = new CalibrationSketch(10, 3);
    assertEquals(empty, CalibrationSketchCodec.decode(CalibrationSketchCodec.encode(empty)));
  }

  @Test
  void shouldRejectInconsistentRecords() {
    assertRejected(bins(new CalibrationSketchBin(300, 1L, 0.5, 0L)), "index 300");
    assertRejected(
        bins(new CalibrationSketchBin(3, 1L, 0.01, 0L), new CalibrationSketchBin(3, 1L, 0.01, 0L)),
        "out of order");
    assertRejected(bins(new CalibrationSketchBin(3, 1L, 0.01, 2L)), "correct 2");
    assertRejected(bins(new CalibrationSketchBin(3, 1L, 1.5, 0L)), "confidence sum 1.5");
    CalibrationSketchState classes = CalibrationSketchCodec.toRecord(new CalibrationSketch(15));
    classes.setClassLabelled(List.of(1L, 2L));
    classes.setClassCorrect(List.of(1L));
    assertThrows(IllegalArgumentException.class, () -> CalibrationSketchCodec.fromRecord(classes));
    assertThrows(
        IllegalArgumentException.class, () -> CalibrationSketchCodec.decode(new byte[] {1, 2, 3}));
  }

  private static CalibrationSketchState bins(CalibrationSketchBin... bins) {
    CalibrationSketchState state = CalibrationSketchCodec.toRecord(new CalibrationSketch(15));
    state.setFineBins(new ArrayList<>(List.of(bins)));
    return state;
  }

  private static void assertRejected(CalibrationSketchState state, String fragment) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> CalibrationSketchCodec.fromRecord(state));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
