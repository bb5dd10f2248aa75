package io.calmon.trainer.loop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Held-out labelled examples split in two: the temperature is fitted on {@link #fit()} and the
 * publish gate judges on {@link #judge()}. Judging a temperature on the examples it was fitted to
 * would always favour it (most of all a recalibration, whose only change is that temperature).
 * Examples alternate between the halves class after class (fit, judge, fit, ... through the first
 * class's examples, then on through the next class's): deterministic, every class with two or more
 * examples is in both halves, and the judge half holds {@code floor(n / 2)} of {@code n} examples
 * however they are spread over classes. (Alternating within each class instead, as an earlier
 * version did, sent every class's single example to the fit half: with 60 recent examples over 40
 * classes the judge half held 21, and the gate rejected the repair for too few.)
 *
 * @param fit where temperatures are fitted
 * @param judge where the serving version and the candidates are compared
 */
public record HeldOutSplit(Map<String, List<float[]>> fit, Map<String, List<float[]>> judge) {

  public HeldOutSplit {
    fit = Map.copyOf(fit);
    judge = Map.copyOf(judge);
  }

  /**
   * Splits {@code heldOut} (class name to examples, in arrival order), alternating in the map's
   * iteration order.
   */
  public static HeldOutSplit of(Map<String, List<float[]>> heldOut) {
    Map<String, List<float[]>> fit = new LinkedHashMap<>();
    Map<String, List<float[]>> judge = new LinkedHashMap<>();
    int position = 0;
    for (Map.Entry<String, List<float[]>> e : heldOut.entrySet()) {
      String name = e.getKey();
      List<float[]> f = new ArrayList<>();
      List<float[]> j = new ArrayList<>();
      for (float[] row : e.getValue()) {
        (position++ % 2 == 0 ? f : j).add(row);
      }
      if (!f.isEmpty()) {
        fit.put(name, List.copyOf(f));
      }
      if (!j.isEmpty()) {
        judge.put(name, List.copyOf(j));
      }
    }
    return new HeldOutSplit(fit, judge);
  }
}
