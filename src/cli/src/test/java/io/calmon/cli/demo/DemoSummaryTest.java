package io.calmon.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.calmon.schemas.PromptVersion;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoSummaryTest {

  /** A prompt version of base classes cat and dog. */
  static PromptVersion.Builder version(long v, Long parent) {
    return PromptVersion.newBuilder()
        .setDeployment("default")
        .setVersion(v)
        .setParentVersion(parent)
        .setCreatedAt(Instant.EPOCH)
        .setMethod("coop+dor")
        .setBackboneId("world")
        .setWeightsSha256("00")
        .setTemplate("a photo of a {}.")
        .setNCtx(1)
        .setCtxDim(2)
        .setContextVectors(List.of(0f, 0f))
        .setBaseClasses(List.of("cat", "dog"));
  }

  @Test
  void shouldSayWhatARetrainPublishedAndOnWhichHeldOutExamples() {
    PromptVersion recalibrated =
        version(3, 2L)
            .setTemperature(2.5)
            .setTriggerId("r")
            .setHyperParameters(
                Map.of(
                    "posthoc_temperature", "heldout-refit of version 2",
                    "heldout_from", "evidence start 2026-11-27T14:50:50Z"))
            .setMetrics(
                Map.of(
                    "heldout_n", 30.0, "heldout_current_ece", 0.4, "heldout_candidate_ece", 0.15))
            .build();
    Map<String, Object> e = DemoSummary.versionEntry(recalibrated);
    assertEquals("recalibrated", e.get("outcome"));
    assertEquals(2.5, e.get("temperature"));
    assertEquals("evidence start 2026-11-27T14:50:50Z", e.get("heldout_from"));
    assertEquals(30.0, e.get("heldout_n"));
    assertEquals(0.4, e.get("heldout_ece_before"));
    assertEquals(0.15, e.get("heldout_ece_after"));
    assertEquals(2, e.get("base_classes"));

    PromptVersion retuned =
        version(2, 1L).setHyperParameters(Map.of("posthoc_temperature", "heldout")).build();
    assertEquals("retuned", DemoSummary.versionEntry(retuned).get("outcome"));
    Map<String, Object> bootstrap = DemoSummary.versionEntry(version(1, null).build());
    assertEquals("bootstrap", bootstrap.get("outcome"));
    assertNull(bootstrap.get("heldout_from"));
    assertNull(bootstrap.get("temperature"));
  }
}
