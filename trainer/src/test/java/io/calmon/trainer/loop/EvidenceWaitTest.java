package io.calmon.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.calmon.trainer.loop.EvidenceWait.Step;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EvidenceWaitTest {
  private final EvidenceWait wait = new EvidenceWait(60, Duration.ofSeconds(30));

  @Test
  void shouldJudgeOnTheEvidenceOnceEnoughExamplesFollowIt() {
    assertEquals(Step.ON_EVIDENCE, wait.decide(1_000L, 60, Duration.ZERO));
    assertEquals(Step.ON_EVIDENCE, wait.decide(1_000L, 61, Duration.ofSeconds(45)));
  }

  @Test
  void shouldWaitForMoreUntilTheLimitThenTakeTheNewest() {
    assertEquals(Step.WAIT, wait.decide(1_000L, 59, Duration.ZERO));
    assertEquals(Step.WAIT, wait.decide(1_000L, 0, Duration.ofMillis(29_999)));
    assertEquals(Step.ON_NEWEST, wait.decide(1_000L, 59, Duration.ofSeconds(30)));
  }

  @Test
  void shouldTakeTheNewestAtOnceWhenTheRequestNamesNoEvidence() {
    assertEquals(Step.ON_NEWEST, wait.decide(null, 0, Duration.ZERO));
    assertEquals(Step.ON_NEWEST, wait.decide(null, 1_000, Duration.ZERO));
  }

  @Test
  void shouldNeedAtLeastOneExampleEvenWithNoMinimum() {
    EvidenceWait any = new EvidenceWait(0, Duration.ofSeconds(5));
    assertEquals(Step.WAIT, any.decide(1_000L, 0, Duration.ZERO));
    assertEquals(Step.ON_EVIDENCE, any.decide(1_000L, 1, Duration.ZERO));
    assertEquals(Step.ON_NEWEST, new EvidenceWait(0, Duration.ZERO).decide(1L, 0, Duration.ZERO));
  }

  @Test
  void shouldRefuseANegativeNeedOrWait() {
    assertThrows(IllegalArgumentException.class, () -> new EvidenceWait(-1, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new EvidenceWait(1, Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> new EvidenceWait(1, null));
  }
}
