package io.calmon.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.schemas.PromptVersion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A version's figures per true-class group and zero-shot's beside them, by hand. */
class VersionGroupsTest {
  private static final PromptVersion V1 =
      DemoSummaryTest.version(1, null).setMethod("coop").build();

  private static final Map<String, DemoObserver.Truth> TRUTHS =
      Map.of(
          "c", new DemoObserver.Truth("cat", false, true),
          "d", new DemoObserver.Truth("dog", false, true),
          "b", new DemoObserver.Truth("bird", true, true),
          "f", new DemoObserver.Truth("fish", true, false),
          "other", new DemoObserver.Truth("bird", true, true));

  private static final List<DemoObserver.Scored> PREDICTIONS =
      List.of(
          // Zero-shot's answers: right on every labelled event, less sure than the version.
          scored("c", 1, "cat", 0.9, 0.6, "cat", 0.6), // base, right
          scored("d", 1, "cat", 0.8, 0.5, "dog", 0.5), // base, wrong
          scored("b", 1, "cat", 0.7, 0.4, "bird", 0.4), // new, wrong
          scored("f", 1, "cat", 0.95, 0.45, null, null), // new, never labelled, no answer
          scored("other", 2, "bird", 0.99, 0.1, "bird", 0.1)); // another version's

  private static DemoObserver.Scored scored(
      String id,
      long version,
      String cls,
      double conf,
      double zeroShotOfCls,
      String zeroShotClass,
      Double zeroShotConfidence) {
    return new DemoObserver.Scored(
        id,
        version,
        1,
        cls,
        conf,
        zeroShotOfCls,
        zeroShotClass,
        zeroShotConfidence,
        DemoPhase.BEFORE_DRIFT);
  }

  private static VersionGroups groups() {
    return VersionGroups.of(V1, PREDICTIONS, TRUTHS::get, 10);
  }

  @Test
  @SuppressWarnings("unchecked")
  void shouldMeasureEachTrueClassGroupOnItsLabelledEventsBesideZeroShot() {
    Map<String, Object> f = groups().fields();
    Map<String, Object> base = (Map<String, Object>) f.get("base");
    assertEquals(2L, base.get("predictions"));
    assertEquals(2L, base.get("labels"));
    assertEquals(0.5, (Double) base.get("accuracy"), 1e-12);
    assertEquals(0.85, (Double) base.get("mean_confidence"), 1e-12);
    // Label-free, every prediction: (0.9 + 0.8 - 0.6 - 0.5) / 2.
    assertEquals(0.3, (Double) base.get("confidence_lift"), 1e-12);
    // Bins of 0.1: 0.9 right (|1 - 0.9| x 1/2) and 0.8 wrong (|0 - 0.8| x 1/2).
    assertEquals(0.45, (Double) base.get("ece"), 1e-12);
    Map<String, Object> zeroShotBase = (Map<String, Object>) base.get("zero_shot");
    assertEquals(1.0, (Double) zeroShotBase.get("accuracy"), 1e-12);
    assertEquals(0.55, (Double) zeroShotBase.get("mean_confidence"), 1e-12);
    assertEquals(0.45, (Double) zeroShotBase.get("ece"), 1e-12); // 0.4 / 2 + 0.5 / 2

    Map<String, Object> fresh = (Map<String, Object>) f.get("new");
    assertEquals(2L, fresh.get("predictions"), "the unlabelled one is a prediction");
    assertEquals(1L, fresh.get("labels"));
    assertEquals(0.0, (Double) fresh.get("accuracy"), 1e-12);
    assertEquals(0.7, (Double) fresh.get("ece"), 1e-12);
    // The unlabelled one counts too: (0.7 + 0.95 - 0.4 - 0.45) / 2.
    assertEquals(0.4, (Double) fresh.get("confidence_lift"), 1e-12);
    Map<String, Object> zeroShotNew = (Map<String, Object>) fresh.get("zero_shot");
    assertEquals(0.6, (Double) zeroShotNew.get("ece"), 1e-12);
  }

  @Test
  @SuppressWarnings("unchecked")
  void shouldLeaveFiguresOfAGroupWithoutLabelsEmpty() {
    PromptVersion everything =
        PromptVersion.newBuilder(V1).setBaseClasses(List.of("cat", "dog", "bird", "fish")).build();
    Map<String, Object> f = VersionGroups.of(everything, PREDICTIONS, TRUTHS::get, 10).fields();
    Map<String, Object> fresh = (Map<String, Object>) f.get("new");
    assertEquals(0L, fresh.get("predictions"));
    assertNull(fresh.get("ece"));
    assertNull(((Map<String, Object>) fresh.get("zero_shot")).get("accuracy"));
  }

  @Test
  void shouldDrawTheReportsTablesFromTheSummary() {
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("version", 1L);
    version.put("method", "coop");
    version.put("groups", groups().fields());
    Map<String, Object> phases = new LinkedHashMap<>();
    Map<String, Object> counts = new LinkedHashMap<>();
    for (String group : List.of("base", "new")) {
      Map<String, Object> ece = new LinkedHashMap<>();
      Map<String, Object> n = new LinkedHashMap<>();
      for (DemoPhase phase : DemoPhase.values()) {
        ece.put(phase.key(), phase == DemoPhase.DURING_DRIFT ? 0.4 : null);
        n.put(phase.key(), phase == DemoPhase.DURING_DRIFT ? 10L : 0L);
      }
      phases.put(group, ece);
      counts.put(group, n);
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("prompt_versions", List.of(version));
    fields.put("ece", phases);
    fields.put("predictions_per_phase", counts);
    Map<String, Object> warning = new LinkedHashMap<>();
    warning.put("seconds", 120.7);
    warning.put("rule", "text-divergence-above-threshold");
    warning.put("group", "new");
    warning.put("prompt_version", 1L);
    warning.put("threshold", 1.1);
    warning.put("observed", 1.2616);
    Map<String, Object> alert = new LinkedHashMap<>(warning);
    alert.put("rule", "ece-above-threshold");
    alert.put("group", "true-new");
    alert.put("threshold", 0.05);
    alert.put("observed", 0.239);
    fields.put("alert_list", List.of(warning, alert));
    Map<String, Object> measured = new LinkedHashMap<>();
    measured.put("seconds", 120.4);
    measured.put("prompt_version", 1L);
    measured.put("class_set_version", 2L);
    measured.put("method", "coop");
    measured.put("base", null);
    measured.put("new", Map.of("classes", 20, "divergence_ratio", 1.2616, "deviation", 0.0869));
    fields.put("prompt_health", List.of(measured));
    DemoSummary summary = new DemoSummary(fields, 0, Map.of(1L, groups()));

    String html = DemoReportHtml.render(summary, new DemoTimeline(10), "calmon demo");
    // Alerts: a ratio for the text warning, a percentage for ECE; the measure beside them.
    assertTrue(
        html.contains(
            "<td>120.7</td><td>text-divergence-above-threshold</td><td>new</td><td>1</td>"
                + "<td>1.262</td><td>1.100</td>"),
        html);
    assertTrue(
        html.contains("<td>ece-above-threshold</td><td>true-new</td><td>1</td><td>23.9%</td>"));
    assertTrue(
        html.contains(
            "<td>120.4</td><td>1</td><td>coop</td><td>2</td><td>&ndash;</td><td>1.262</td>"
                + "<td>0.087</td>"),
        html);
    // A version with a group without labels renders dashes (was a NullPointerException).
    Map<String, Object> empty = new LinkedHashMap<>(version);
    PromptVersion everything =
        PromptVersion.newBuilder(V1).setBaseClasses(List.of("cat", "dog", "bird", "fish")).build();
    VersionGroups noNewLabels = VersionGroups.of(everything, PREDICTIONS, TRUTHS::get, 10);
    empty.put("groups", noNewLabels.fields());
    Map<String, Object> withEmpty = new LinkedHashMap<>(fields);
    withEmpty.put("prompt_versions", List.of(empty));
    String emptyHtml =
        DemoReportHtml.render(
            new DemoSummary(withEmpty, 0, Map.of(1L, noNewLabels)), new DemoTimeline(10), "t");
    assertTrue(emptyHtml.contains("<td>0</td><td>0</td><td>&ndash;</td>"), emptyHtml);
    assertTrue(emptyHtml.contains("new classes: no labels"), emptyHtml);
    // Version 1's new classes: 1 label, accuracy 0%, ECE 70.0%; zero-shot's ECE 60.0%.
    assertTrue(
        html.contains(
            "<td>1</td><td>coop</td><td>new</td><td>2</td><td>1</td><td>0.0%</td><td>70.0%</td>"),
        html);
    assertTrue(html.contains("<td>60.0%</td>"), "zero-shot's ECE beside it");
    assertTrue(html.contains("40.0% (n=10)"), "the phase table is the summary's");
    assertTrue(html.contains("new classes: ECE 70.0% (n=1)"), "reliability diagram");
    assertTrue(html.startsWith("<!doctype html>") && html.endsWith("</html>\n"));
  }
}
