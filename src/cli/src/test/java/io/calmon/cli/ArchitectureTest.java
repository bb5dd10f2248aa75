package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The direction of dependencies between calmon's packages, checked on the sources of every module
 * (docs/ARCHITECTURE.md, "Modules"): the cores know nothing of Kafka, the model layer's engine
 * stays out of the Kafka side, no library imports a service, services do not import each other, and
 * nothing imports the command line.
 */
class ArchitectureTest {
  private static final Path ROOT = Path.of("../..");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
  private static final Pattern IMPORT =
      Pattern.compile("(?m)^import\\s+(?:static\\s+)?([\\w.]+)(?:\\.\\*)?\\s*;");

  /** A package prefix that must not import another prefix, and why. */
  record Rule(String from, String forbidden, String why) {
    boolean applies(String pkg) {
      return pkg.equals(from) || pkg.startsWith(from + ".");
    }

    boolean forbids(String imported) {
      return imported.equals(forbidden) || imported.startsWith(forbidden + ".");
    }
  }

  /** One import a rule forbids. */
  record Violation(String file, String imported, Rule rule) {
    @Override
    public String toString() {
      return file + " imports " + imported + ": " + rule.why();
    }
  }

  static final List<Rule> RULES = rules();

  private static List<Rule> rules() {
    List<Rule> rules = new ArrayList<>();
    List<String> cores =
        List.of(
            "io.calmon.core",
            "io.calmon.schemas",
            "io.calmon.clip",
            "io.calmon.world",
            "io.calmon.kafka.service",
            "io.calmon.trainer.tuning",
            "io.calmon.trainer.eval",
            "io.calmon.trainer.data",
            "io.calmon.trainer.loop",
            "io.calmon.trainer.outliers",
            "io.calmon.monitor.alerting");
    for (String core : cores) {
      rules.add(new Rule(core, "org.apache.kafka", "a pure core must not depend on Kafka"));
      for (String service :
          List.of("io.calmon.scorer", "io.calmon.monitor.topology", "io.calmon.trainer.service")) {
        rules.add(new Rule(core, service, "a core must not depend on a service"));
      }
    }
    for (String library :
        List.of(
            "io.calmon.core",
            "io.calmon.schemas",
            "io.calmon.clip",
            "io.calmon.world",
            "io.calmon.kafka")) {
      for (String service : List.of("io.calmon.scorer", "io.calmon.monitor", "io.calmon.trainer")) {
        rules.add(new Rule(library, service, "a shared library must not depend on a service"));
      }
    }
    for (String noEngine :
        List.of("io.calmon.core", "io.calmon.schemas", "io.calmon.kafka", "io.calmon.monitor")) {
      rules.add(new Rule(noEngine, "ai.djl", "only the model layer and its users load DJL"));
    }
    rules.add(new Rule("io.calmon.scorer", "io.calmon.monitor", "services are independent"));
    rules.add(new Rule("io.calmon.scorer", "io.calmon.trainer", "services are independent"));
    rules.add(new Rule("io.calmon.monitor", "io.calmon.scorer", "services are independent"));
    rules.add(new Rule("io.calmon.monitor", "io.calmon.trainer", "services are independent"));
    rules.add(new Rule("io.calmon.trainer", "io.calmon.scorer", "services are independent"));
    rules.add(new Rule("io.calmon.trainer", "io.calmon.monitor", "services are independent"));
    rules.add(
        new Rule(
            "io.calmon.monitor.alerting",
            "io.calmon.monitor.topology",
            "alert policy is a core the topology uses, not the other way round"));
    for (String notCli :
        List.of(
            "io.calmon.core",
            "io.calmon.schemas",
            "io.calmon.clip",
            "io.calmon.world",
            "io.calmon.kafka",
            "io.calmon.scorer",
            "io.calmon.monitor",
            "io.calmon.trainer")) {
      rules.add(new Rule(notCli, "io.calmon.cli", "only the command line knows the command line"));
    }
    return List.copyOf(rules);
  }

  /** What {@code sources} (file name to Java text) import against the rules. */
  static List<Violation> violations(Map<String, String> sources) {
    List<Violation> found = new ArrayList<>();
    sources.forEach(
        (file, text) -> {
          Matcher pkg = PACKAGE.matcher(text);
          if (!pkg.find()) {
            return;
          }
          String own = pkg.group(1);
          Matcher imports = IMPORT.matcher(text);
          while (imports.find()) {
            String imported = imports.group(1);
            for (Rule rule : RULES) {
              if (rule.applies(own) && rule.forbids(imported)) {
                found.add(new Violation(file, imported, rule));
              }
            }
          }
        });
    return found;
  }

  @Test
  void shouldKeepEveryModulesImportsInTheirDirection() throws IOException {
    Map<String, String> sources = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/main/java/"))
          .filter(p -> !p.toString().contains("/target/"))
          .forEach(p -> sources.put(ROOT.relativize(p).toString(), read(p)));
    }
    assertTrue(sources.size() > 250, "the module sources were found: " + sources.size());
    assertTrue(
        sources.keySet().stream().anyMatch(f -> f.startsWith("monitor/")),
        "the services' sources are among them");
    List<Violation> found = violations(sources);
    assertEquals(List.of(), found, "wrong-way imports:\n" + found);
  }

  @Test
  void shouldReportAWrongWayImport() {
    Map<String, String> sources =
        Map.of(
            "src/core/X.java",
            "package io.calmon.core.calibration;\n"
                + "import java.util.List;\n"
                + "import org.apache.kafka.clients.consumer.KafkaConsumer;\n"
                + "import static io.calmon.scorer.ScorerService.run;\n",
            "monitor/Y.java",
            "package io.calmon.monitor.topology;\nimport org.apache.kafka.streams.StreamsBuilder;\n",
            "scorer/Z.java",
            "package io.calmon.scorer;\nimport io.calmon.monitor.*;\n");
    List<String> found = violations(sources).stream().map(Violation::toString).toList();
    assertEquals(
        List.of(
            "scorer/Z.java imports io.calmon.monitor: services are independent",
            "src/core/X.java imports io.calmon.scorer.ScorerService.run: a core must not depend on a"
                + " service",
            "src/core/X.java imports io.calmon.scorer.ScorerService.run: a shared library must not"
                + " depend on a service",
            "src/core/X.java imports org.apache.kafka.clients.consumer.KafkaConsumer: a pure core"
                + " must not depend on Kafka"),
        found.stream().sorted().toList());
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
