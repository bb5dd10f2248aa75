package io.calmon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void shouldParseShortForms() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
    assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(Duration.ofDays(2), Durations.parse("2d"));
    assertEquals(Duration.ZERO, Durations.parse("0s"));
    assertEquals(Duration.ofMinutes(10), Durations.parse(" 10M "));
  }

  @Test
  void shouldParseIso8601() {
    assertEquals(Duration.ofMinutes(10), Durations.parse("PT10M"));
    assertEquals(Duration.ofDays(1), Durations.parse("P1D"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("pt1.5s"));
  }

  @Test
  void shouldRefuseOtherText() {
    for (String bad : new String[] {"", "10", "ten minutes", "-5m", "1.5h", "PT-1M", "5 years"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
      assertEquals(true, e.getMessage().contains(bad.isEmpty() ? "empty" : bad), e.getMessage());
    }
  }

  @Test
  void shouldFormatTheShortestExactForm() {
    assertEquals("10m", Durations.format(Duration.ofMinutes(10)));
    assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
    assertEquals("1h", Durations.format(Duration.ofMinutes(60)));
    assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
    assertEquals("0s", Durations.format(Duration.ZERO));
    assertEquals(
        Duration.ofMillis(1500), Durations.parse(Durations.format(Duration.ofMillis(1500))));
  }
}
