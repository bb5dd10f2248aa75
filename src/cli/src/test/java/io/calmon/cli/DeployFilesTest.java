package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.kafka.KafkaClientConfig;
import io.calmon.service.testing.BinderMetricNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The deployment files agree with the code: every calmon command in docker-compose.yml parses with
 * the calmon command line, the client properties it mounts are accepted, and every metric the
 * Grafana dashboard plots is one a service registers: a calmon metric by its name in the sources, a
 * JVM or Kafka client metric (from Micrometer's binders) by {@link BinderMetricNames}, whose names
 * tests scrape.
 */
class DeployFilesTest {
  private static final Path ROOT = Path.of("../..");
  private static final Pattern COMMAND = Pattern.compile("(?s)command:\\s*\\[(.*?)]");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
  private static final Pattern METRIC =
      Pattern.compile("\\b(?:calmon|jvm|kafka|process|system)_[a-z0-9_]+");

  @Test
  void shouldParseEveryCalmonCommandOfTheComposeFile() throws IOException {
    String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
    List<List<String>> commands = new ArrayList<>();
    Matcher m = COMMAND.matcher(compose);
    while (m.find()) {
      List<String> args = new ArrayList<>();
      Matcher q = QUOTED.matcher(m.group(1));
      while (q.find()) {
        args.add(q.group(1));
      }
      commands.add(args);
    }
    assertEquals(
        List.of("topics", "trainer", "scorer", "monitor"),
        commands.stream().map(c -> c.get(0)).toList(),
        "the calmon services of the compose file");
    for (List<String> args : commands) {
      // Throws for an unknown flag or a missing required one.
      CommandLine.ParseResult parsed = Calmon.commandLine().parseArgs(args.toArray(String[]::new));
      assertTrue(parsed.hasSubcommand(), "parsed " + args);
    }
    // The client properties the services are given: accepted, and Confluent's format.
    KafkaClientConfig clients =
        KafkaClientConfig.load(ROOT.resolve("src/deploy/calmon/client.properties"));
    assertTrue(clients.valueFormat().isConfluent(), clients.toString());
    assertEquals(List.of("http://schema-registry:8081"), clients.valueFormat().registryUrls());
  }

  @Test
  void shouldPlotOnlyMetricsThatAServiceRegisters() throws IOException {
    String dashboard = Files.readString(ROOT.resolve("src/deploy/grafana/dashboards/calmon.json"));
    Set<String> plotted = new TreeSet<>();
    Matcher m = METRIC.matcher(dashboard);
    while (m.find()) {
      plotted.add(m.group().replaceAll("_(bucket|count|sum)$", ""));
    }
    assertTrue(plotted.size() >= 10, "metrics found in the dashboard: " + plotted);
    StringBuilder sources = new StringBuilder();
    for (String module : List.of("scorer", "monitor", "trainer")) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
        for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          sources.append(Files.readString(p));
        }
      }
    }
    Set<String> unknown = new TreeSet<>();
    for (String metric : plotted) {
      boolean registered =
          metric.startsWith("calmon_")
              ? sources.toString().contains("\"" + metric + "\"")
              : BinderMetricNames.all().contains(metric);
      if (!registered) {
        unknown.add(metric);
      }
    }
    assertEquals(Set.of(), unknown, "plotted but registered by no service");
  }
}
