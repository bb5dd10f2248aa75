package io.calmon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayeredConfigTest {

  @TempDir Path dir;

  private LayeredConfig.Builder defined() {
    return LayeredConfig.builder()
        .define("bins", "15", "bins")
        .define("window-size", "1h", "window size")
        .define("ece-threshold", "0.05", "threshold")
        .define("deployment", "default", "deployment")
        .define("state-dir", null, "state dir");
  }

  private Path file(String text) throws IOException {
    Path path = dir.resolve("service.properties");
    Files.writeString(path, text);
    return path;
  }

  @Test
  void shouldTakeFlagsOverTheFileOverDefaults() throws IOException {
    Path file = file("bins = 20\nwindow-size=30m\n# a comment\n");
    LayeredConfig config = defined().file(file).flag("bins", 25).flag("deployment", null).build();

    assertEquals(25, config.integer("bins", 1, 1000), "flag beats file");
    assertEquals("--bins", config.source("bins"));
    assertEquals(Duration.ofMinutes(30), config.duration("window-size", Duration.ofMillis(1)));
    assertEquals("file " + file, config.source("window-size"));
    assertEquals("default", config.string("deployment"), "a null flag was not given");
    assertEquals("default", config.source("deployment"));
    assertNull(config.optionalString("state-dir"));
  }

  @Test
  void shouldNameTheKeyRangeValueAndSourceOfABadValue() throws IOException {
    LayeredConfig config = defined().file(file("bins=0\n")).build();
    ConfigException e = assertThrows(ConfigException.class, () -> config.integer("bins", 1, 1000));
    assertEquals("bins", e.key());
    assertEquals(
        "bins: must be an integer in [1, 1000], got '0' (from file "
            + dir.resolve("service.properties")
            + ")",
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  @Test
  void shouldRefuseBadDurationsAndFractionsNamingTheFlag() {
    LayeredConfig config =
        defined().flag("window-size", "ten minutes").flag("ece-threshold", "1.5").build();
    ConfigException duration =
        assertThrows(
            ConfigException.class, () -> config.duration("window-size", Duration.ofMillis(1)));
    assertTrue(
        duration.getMessage().startsWith("window-size: must be a duration"), duration.getMessage());
    assertTrue(duration.getMessage().endsWith("got 'ten minutes' (from --window-size)"));
    ConfigException fraction =
        assertThrows(ConfigException.class, () -> config.fraction("ece-threshold", 0, 1));
    assertEquals(
        "ece-threshold: must be a number in (0.0, 1.0), got '1.5' (from --ece-threshold)",
        fraction.getMessage());
  }

  @Test
  void shouldRefuseDurationsBelowTheMinimum() {
    LayeredConfig config = defined().flag("window-size", "0s").build();
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> config.duration("window-size", Duration.ofMillis(1)));
    assertEquals(
        "window-size: must be at least 1ms, got '0s' (from --window-size)", e.getMessage());
  }

  @Test
  void shouldRefuseUnknownKeysInTheFile() throws IOException {
    Path file = file("binz=20\n");
    ConfigException e = assertThrows(ConfigException.class, () -> defined().file(file).build());
    assertEquals("binz", e.key());
    assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
    assertTrue(e.getMessage().contains("bins, deployment, ece-threshold"), e.getMessage());
  }

  @Test
  void shouldReportAMissingFileAsTheConfigKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> defined().file(dir.resolve("missing.properties")));
    assertEquals("config", e.key());
    assertTrue(e.getMessage().contains("missing.properties"), e.getMessage());
  }

  @Test
  void shouldRequireAValueForAKeyWithoutDefault() {
    LayeredConfig config = defined().build();
    ConfigException e = assertThrows(ConfigException.class, () -> config.string("state-dir"));
    assertEquals("state-dir: must be set (from default)", e.getMessage());
  }

  @Test
  void shouldFormatDurationFlagsSoTheyParseBack() {
    LayeredConfig config = defined().flag("window-size", Duration.ofSeconds(2)).build();
    assertEquals("2s", config.raw("window-size"));
    assertEquals(Duration.ofSeconds(2), config.duration("window-size", Duration.ofMillis(1)));
  }

  @Test
  void shouldTakeTheEnvironmentOverTheFileAndFlagsOverTheEnvironment() throws IOException {
    Path file = file("bins=20\nwindow-size=30m\ndeployment=from-file\n");
    java.util.Map<String, String> env =
        java.util.Map.of(
            "CALMON_BINS", "21",
            "CALMON_WINDOW_SIZE", "10m",
            "CALMON_NOT_A_KEY", "ignored",
            "PATH", "/bin");

    LayeredConfig config = defined().file(file).environment(env).flag("bins", "25").build();

    assertEquals(25, config.integer("bins", 1, 1000), "flag beats environment");
    assertEquals(Duration.ofMinutes(10), config.duration("window-size", Duration.ofMillis(1)));
    assertEquals("$CALMON_WINDOW_SIZE", config.source("window-size"), "environment beats file");
    assertEquals("from-file", config.string("deployment"), "file beats default");
    assertEquals("default", config.source("ece-threshold"));
  }

  @Test
  void shouldNameAnEnvironmentVariableThatGaveABadValue() {
    LayeredConfig config =
        defined().environment(java.util.Map.of("CALMON_ECE_THRESHOLD", "high")).build();
    ConfigException e =
        assertThrows(ConfigException.class, () -> config.fraction("ece-threshold", 0, 1));
    assertEquals(
        "ece-threshold: must be a number in (0.0, 1.0), got 'high' (from $CALMON_ECE_THRESHOLD)",
        e.getMessage());
  }

  @Test
  void shouldSpellEveryKeysVariableTheSameWay() {
    assertEquals(
        "CALMON_BOOTSTRAP_SERVERS", LayeredConfig.environmentVariable("bootstrap-servers"));
    assertEquals("CALMON_KAFKA_CONFIG", LayeredConfig.environmentVariable("kafka-config"));
  }

  @Test
  void shouldListItsDefinitionsWithLabelsAndSwitches() {
    java.util.List<LayeredConfig.Definition> all =
        LayeredConfig.builder()
            .define("window-size", "1h", "DURATION", "window")
            .define("state-dir", null, "state dir")
            .defineSwitch("allow-unsigned-prompts", "serve unsigned")
            .definitions();

    assertEquals(
        java.util.List.of(
            new LayeredConfig.Definition("window-size", "window", "1h", "DURATION"),
            new LayeredConfig.Definition("state-dir", "state dir", null, "VALUE"),
            new LayeredConfig.Definition(
                "allow-unsigned-prompts", "serve unsigned", "false", "switch")),
        all);
    assertTrue(all.get(2).isSwitch());
    assertFalse(all.get(0).isSwitch());
  }

  @Test
  void shouldSayAMissingConfigFileInWords() {
    Path missing = dir.resolve("none.properties");
    ConfigException e = assertThrows(ConfigException.class, () -> defined().file(missing).build());
    assertEquals(
        "config: cannot read properties file " + missing + ": no such file", e.getMessage());
  }
}
