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
 * (docs/ARCHITECTURE.md, "Modules"): the cores know nothing of Kafka, the calibration core nothing
 * of Avro, world generation nothing of the model, the model layer's engine stays out of the Kafka
 * side, no library imports a service, no service imports the embedded broker or another service,
 * nothing imports the command line, and benchmarks live with the command line only.
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
            "io.calmon.pretrain",
            "io.calmon.service",
            "io.calmon.tuning",
            "io.calmon.trainer.loop",
            "io.calmon.monitor.alerting");
    List<String> services = List.of("io.calmon.scorer", "io.calmon.monitor", "io.calmon.trainer");
    for (String core : cores) {
      rules.add(new Rule(core, "org.apache.kafka", "a pure core must not depend on Kafka"));
      for (String service :
          List.of("io.calmon.scorer", "io.calmon.monitor.topology", "io.calmon.trainer.service")) {
        rules.add(new Rule(core, service, "a core must not depend on a service"));
      }
    }
    List<String> libraries =
        List.of(
            "io.calmon.core",
            "io.calmon.schemas",
            "io.calmon.clip",
            "io.calmon.world",
            "io.calmon.pretrain",
            "io.calmon.tuning",
            "io.calmon.service",
            "io.calmon.kafka",
            "io.calmon.broker");
    for (String library : libraries) {
      for (String service : services) {
        rules.add(new Rule(library, service, "a shared library must not depend on a service"));
      }
    }
    rules.add(new Rule("io.calmon.core", "org.apache.avro", "the calibration core has no Avro"));
    rules.add(new Rule("io.calmon.core", "io.calmon.schemas", "the calibration core has no Avro"));
    rules.add(new Rule("io.calmon.world", "io.calmon.clip", "world generation knows no model"));
    rules.add(
        new Rule("io.calmon.world", "io.calmon.pretrain", "world generation knows no pretraining"));
    for (String service : services) {
      rules.add(
          new Rule(
              service,
              "io.calmon.broker",
              "a service runs against any cluster: the embedded broker is the CLI's and the tests'"));
    }
    for (String noEngine :
        List.of(
            "io.calmon.core",
            "io.calmon.schemas",
            "io.calmon.service",
            "io.calmon.kafka",
            "io.calmon.broker",
            "io.calmon.monitor")) {
      rules.add(new Rule(noEngine, "ai.djl", "only the model layer and its users load DJL"));
    }
    for (String from : services) {
      for (String to : services) {
        if (!from.equals(to)) {
          rules.add(new Rule(from, to, "services are independent"));
        }
      }
    }
    rules.add(
        new Rule(
            "io.calmon.monitor.alerting",
            "io.calmon.monitor.topology",
            "alert policy is a core the topology uses, not the other way round"));
    for (String notCli : concat(libraries, services)) {
      rules.add(new Rule(notCli, "io.calmon.cli", "only the command line knows the command line"));
    }
    return List.copyOf(rules);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
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
  void shouldKeepBenchmarksOutOfTheServicesAndLibraries() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      files
          .filter(p -> p.toString().contains("/src/main/java/"))
          .filter(p -> !p.toString().contains("/target/"))
          .filter(p -> !p.toString().startsWith(ROOT.resolve("src/cli").toString()))
          .filter(p -> p.getFileName().toString().matches(".*Bench(mark)?\\.java"))
          .forEach(p -> found.add(ROOT.relativize(p).toString()));
    }
    assertEquals(List.of(), found, "benchmarks belong to the command line (calmon bench)");
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
