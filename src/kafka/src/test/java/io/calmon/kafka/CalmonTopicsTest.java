package io.calmon.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.schemas.PromptVersion;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CalmonTopicsTest {

  @Test
  void shouldListEveryTopicOfTheDesignInDataFlowOrder() {
    List<String> names = CalmonTopics.standard().all().stream().map(CalmonTopic::name).toList();
    assertEquals(
        List.of(
            "image-events",
            "predictions",
            "labels",
            "prompt-versions",
            "class-sets",
            "prompt-health",
            "calibration-reports",
            "calibration-alerts",
            "retrain-requests",
            "dead-letters",
            "trainer-state"),
        names);
  }

  @Test
  void shouldCompactOnlyTheStateTopics() {
    Set<String> compacted =
        CalmonTopics.standard().all().stream()
            .filter(CalmonTopic::compacted)
            .map(CalmonTopic::name)
            .collect(Collectors.toSet());
    assertEquals(
        Set.of("prompt-versions", "class-sets", "prompt-health", "trainer-state"), compacted);
  }

  @Test
  void shouldPrefixEveryNameButKeepTheBaseName() {
    CalmonTopics topics = CalmonTopics.withPrefix("t42-");
    assertEquals("t42-prompt-versions", topics.promptVersions().name());
    assertEquals("prompt-versions", topics.promptVersions().baseName());
    assertEquals(PromptVersion.class, topics.promptVersions().valueType());
    assertTrue(topics.all().stream().allMatch(t -> t.name().equals("t42-" + t.baseName())));
    assertEquals(topics.labels(), topics.byName("t42-labels").orElseThrow());
    assertTrue(topics.byName("labels").isEmpty());
  }

  @Test
  void shouldTreatAnEmptyPrefixAsTheStandardNames() {
    assertSame(CalmonTopics.standard(), CalmonTopics.withPrefix(""));
    assertSame(CalmonTopics.standard(), CalmonTopics.withPrefix(null));
  }

  @Test
  void shouldRejectAPrefixKafkaCannotUse() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CalmonTopics.withPrefix("my topics/"));
    assertTrue(e.getMessage().contains("'my topics/'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CalmonTopics.withPrefix("x".repeat(240)));
  }
}
