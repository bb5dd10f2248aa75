package io.calmon.trainer.loop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Held-out labelled examples split in two per class: the temperature is fitted on {@link #fit()}
 * and the publish gate judges on {@link #judge()}. Judging a temperature on the examples it was
 * fitted to would always favour it (most of all a recalibration, whose only change is that
 * temperature). Per class, examples at even positions go to {@code fit}, odd ones to {@code judge}:
 * deterministic, and both halves keep every class with two or more examples.
 *
 * @param fit where temperatures are fitted
 * @param judge where the serving version and the candidates are compared
 */
public record HeldOutSplit(Map<String, List<float[]>> fit, Map<String, List<float[]>> judge) {

  public HeldOutSplit {
    fit = Map.copyOf(fit);
    judge = Map.copyOf(judge);
  }

  /** Splits {@code heldOut} (class name to examples, in arrival order). */
  public static HeldOutSplit of(Map<String, List<float[]>> heldOut) {
    Map<String, List<float[]>> fit = new LinkedHashMap<>();
    Map<String, List<float[]>> judge = new LinkedHashMap<>();
    heldOut.forEach(
        (name, rows) -> {
          List<float[]> f = new ArrayList<>();
          List<float[]> j = new ArrayList<>();
          for (int i = 0; i < rows.size(); i++) {
            (i % 2 == 0 ? f : j).add(rows.get(i));
          }
          if (!f.isEmpty()) {
            fit.put(name, List.copyOf(f));
          }
          if (!j.isEmpty()) {
            judge.put(name, List.copyOf(j));
          }
        });
    return new HeldOutSplit(fit, judge);
  }
}
