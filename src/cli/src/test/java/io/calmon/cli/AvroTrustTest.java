package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A bare {@code java -jar calmon-cli.jar} (no launcher flag) must still trust calmon's Avro
 * classes: without it every record was refused and dead-lettered.
 */
class AvroTrustTest {

  @Test
  void shouldTrustCalmonWhenNothingIsSet() {
    assertEquals("io.calmon", Calmon.trustedPackages(null));
    assertEquals("io.calmon", Calmon.trustedPackages(" "));
  }

  @Test
  void shouldKeepAnOperatorsListAndAddCalmon() {
    assertEquals("org.example,io.calmon", Calmon.trustedPackages("org.example"));
    assertEquals("org.example, io.calmon", Calmon.trustedPackages("org.example, io.calmon"));
    assertEquals("io.calmon", Calmon.trustedPackages("io.calmon"));
  }
}
