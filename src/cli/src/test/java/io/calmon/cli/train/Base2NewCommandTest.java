package io.calmon.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calmon.core.calibration.ConfidenceLift;
import io.calmon.core.calibration.TopLabelRows;
import io.calmon.tuning.eval.Base2NewEvaluation.MethodResult;
import io.calmon.tuning.eval.Base2NewEvaluation.SeedLift;
import io.calmon.tuning.eval.Base2NewEvaluation.SeedResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table and JSON of {@code calmon eval base2new} on hand-made results. */
class Base2NewCommandTest {
  private static final TopLabelRows NONE = new TopLabelRows(new double[0], new boolean[0]);

  /** Every figure {@code v}, except H = {@code v / 2}. */
  private static SeedResult seed(long seed, double v) {
    return new SeedResult(seed, v, v, v / 2, v, v, v, v, v, v);
  }

  /** Two seeds with mean 0.214 and sample std 0.012 (H: 0.107 and 0.006). */
  private static MethodResult twoSeeds(String method) {
    double d = 0.012 / Math.sqrt(2);
    List<SeedResult> seeds = List.of(seed(1, 0.214 - d), seed(2, 0.214 + d));
    return new MethodResult(
        method,
        new SeedResult(-1, 0.214, 0.214, 0.107, 0.214, 0.214, 0.214, 0.214, 0.214, 0.214),
        seeds,
        NONE,
        NONE);
  }

  @Test
  void shouldPrintMeanPlusMinusSampleStdInEveryCell() {
    String md = Base2NewCommand.markdown(List.of(twoSeeds("coop+dor")));
    List<String> lines = md.lines().toList();
    assertEquals(
        "| coop+dor | 21.40 ± 1.20 | 21.40 ± 1.20 | 10.70 ± 0.60 | 21.40 ± 1.20 | 21.40 ± 1.20 |"
            + " 21.40 ± 1.20 | 21.40 ± 1.20 | 21.40 ± 1.20 | 21.40 ± 1.20 |",
        lines.get(2));
    assertTrue(md.contains("Mean ± sample standard deviation (n - 1) over 2 seed(s)"), md);
  }

  @Test
  void shouldPrintTheValueAloneForOneSeed() {
    SeedResult s = seed(1, 0.5);
    String md =
        Base2NewCommand.markdown(List.of(new MethodResult("coop", s, List.of(s), NONE, NONE)));
    assertEquals(
        "| coop | 50.00 | 50.00 | 25.00 | 50.00 | 50.00 | 50.00 | 50.00 | 50.00 | 50.00 |",
        md.lines().toList().get(2));
    assertTrue(md.contains("One run of 1 seed(s)"), md);
  }

  @Test
  void shouldAddTheSpreadToTheJsonNextToTheMeans() throws Exception {
    JsonNode m =
        new ObjectMapper()
            .readTree(Base2NewCommand.json(List.of(twoSeeds("coop"))))
            .get("methods")
            .get(0);
    assertEquals(21.4, m.get("base_acc").asDouble(), 1e-9);
    assertEquals(10.7, m.get("h").asDouble(), 1e-9);
    JsonNode std = m.get("std");
    for (String f :
        List.of(
            "base_acc",
            "new_acc",
            "base_ece",
            "new_ece",
            "base_ace",
            "new_ace",
            "base_mce",
            "new_mce")) {
      assertEquals(1.2, std.get(f).asDouble(), 1e-9, f);
    }
    assertEquals(0.6, std.get("h").asDouble(), 1e-9);
    assertEquals(2, m.get("seeds").size());
  }

  @Test
  void shouldWriteEachSeedsConfidenceLiftPerGroup() throws Exception {
    SeedResult s = seed(1, 0.5);
    ConfidenceLift base = ConfidenceLift.of(2, 1.6, 1.2); // lift 0.2, zero-shot estimate 0.6
    ConfidenceLift fresh = ConfidenceLift.of(4, 3.6, 2.0); // lift 0.4, zero-shot estimate 0.5
    MethodResult r =
        new MethodResult(
            "coop", s, List.of(s), NONE, NONE, List.of(), List.of(new SeedLift(1, base, fresh)));
    JsonNode seed =
        new ObjectMapper()
            .readTree(Base2NewCommand.json(List.of(r)))
            .get("methods")
            .get(0)
            .get("seeds")
            .get(0);
    assertEquals(0.2, seed.get("base_confidence_lift").asDouble(), 1e-12);
    assertEquals(0.4, seed.get("new_confidence_lift").asDouble(), 1e-12);
    assertEquals(0.5, seed.get("new_zero_shot_accuracy_estimate").asDouble(), 1e-12);
  }
}
