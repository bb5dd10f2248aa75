package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.monitor.MonitorSettings;
import io.calmon.scorer.ScorerConfig;
import io.calmon.service.LayeredConfig;
import io.calmon.trainer.service.TrainerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/** The one configuration model of the three service commands. */
class ServiceOptionsTest {

  @TempDir Path dir;

  private static final Map<String, Supplier<LayeredConfig.Builder>> SERVICES =
      Map.of(
          "monitor", MonitorSettings::definitions,
          "scorer", ScorerConfig::definitions,
          "trainer", TrainerSettings::definitions);

  private static CommandLine command(String name) {
    return switch (name) {
      case "monitor" -> new CommandLine(new MonitorCommand());
      case "scorer" -> new CommandLine(new ScorerCommand());
      case "trainer" -> new CommandLine(new TrainerCommand());
      default -> throw new IllegalArgumentException(name);
    };
  }

  @Test
  void shouldOfferOneFlagPerKeyAndNothingElseOnEveryServiceCommand() {
    for (Map.Entry<String, Supplier<LayeredConfig.Builder>> service : SERVICES.entrySet()) {
      Set<String> keys =
          service.getValue().get().definitions().stream()
              .map(d -> "--" + d.key())
              .collect(Collectors.toCollection(TreeSet::new));
      Set<String> flags = new TreeSet<>();
      for (OptionSpec option : command(service.getKey()).getCommandSpec().options()) {
        if (!option.usageHelp() && !option.versionHelp()) {
          flags.add(option.longestName());
        }
      }
      keys.add("--config");
      assertEquals(keys, flags, service.getKey());
    }
  }

  @Test
  void shouldSpellTheSharedKeysTheSameInEveryService() {
    for (Map.Entry<String, Supplier<LayeredConfig.Builder>> service : SERVICES.entrySet()) {
      Set<String> keys =
          service.getValue().get().definitions().stream()
              .map(LayeredConfig.Definition::key)
              .collect(Collectors.toSet());
      assertTrue(
          keys.containsAll(
              List.of(
                  "bootstrap-servers",
                  "kafka-config",
                  "prefix",
                  "connect-timeout",
                  "metrics-host",
                  "metrics-port")),
          service.getKey() + ": " + keys);
    }
  }

  @Test
  void shouldLayerDefaultsFileEnvironmentAndFlagsInThatOrder() throws Exception {
    Path file =
        Files.writeString(dir.resolve("monitor.properties"), "bins=20\ngrace=2m\nprefix=f-\n");
    CommandLine cli = command("monitor");
    ParseResult parsed =
        cli.parseArgs("--config", file.toString(), "--bins", "30", "--window-size", "5m");
    Map<String, String> env = Map.of("CALMON_BINS", "25", "CALMON_GRACE", "3m");

    LayeredConfig config = ServiceOptions.layered(parsed, MonitorSettings.definitions(), env);

    assertEquals("30", config.raw("bins"), "flag over environment");
    assertEquals("--bins", config.source("bins"));
    assertEquals("3m", config.raw("grace"), "environment over file");
    assertEquals("$CALMON_GRACE", config.source("grace"));
    assertEquals("f-", config.raw("prefix"), "file over default");
    assertEquals("5m", config.raw("window-size"));
    assertEquals("15", MonitorSettings.definitions().build().raw("bins"), "the default");
  }

  @Test
  void shouldReadTheConfigFileNamedByTheEnvironmentWhenNoFlagNamesOne() throws Exception {
    Path file = Files.writeString(dir.resolve("scorer.properties"), "batch-size=7\n");
    ParseResult parsed = command("scorer").parseArgs("--allow-unsigned-prompts");

    LayeredConfig config =
        ServiceOptions.layered(
            parsed, ScorerConfig.definitions(), Map.of("CALMON_CONFIG", file.toString()));

    assertEquals("7", config.raw("batch-size"));
    assertEquals("true", config.raw("allow-unsigned-prompts"), "a switch alone means true");
  }

  @Test
  void shouldEndAServiceWithOneLineNamingTheKeyTheRuleAndTheSource() {
    CliRun run = CliRun.run("monitor", "--bins", "0");
    assertEquals(Calmon.USER_ERROR, run.exitCode);
    assertEquals(
        "calmon: bins: must be an integer in [1, 1000], got '0' (from --bins)\n",
        run.err.toString());
  }
}
