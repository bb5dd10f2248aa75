package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.core.calibration.ExpectedCalibrationError;
import io.calmon.core.calibration.TopLabelRows;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.ClassProbability;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Prediction;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands against one embedded broker: {@code classes set}, {@code produce images},
 * and {@code monitor} + {@code produce labels} + {@code reports} end to end (predictions come from
 * a plain producer: no scorer is needed to test the monitor).
 */
class MonitorCommandsIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EmbeddedKafkaBroker broker;
  private static String bootstrap;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder().build().start();
    bootstrap = broker.bootstrapServers();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  private static void createTopics(String prefix) {
    CliRun run =
        CliRun.run(
            "topics",
            "create",
            "--bootstrap-servers",
            bootstrap,
            "--prefix",
            prefix,
            "--partitions",
            "1",
            "--replication-factor",
            "1");
    assertEquals(0, run.exitCode, run.err.toString());
  }

  @Test
  void shouldPublishClassSetsWithTheNextVersionEachTime() {
    createTopics("classes-");
    CliRun first =
        CliRun.run(
            "classes",
            "set",
            "--bootstrap-servers",
            bootstrap,
            "--prefix",
            "classes-",
            "--deployment",
            "zoo",
            "cat, dog");
    assertEquals(0, first.exitCode, first.err.toString());
    assertEquals("class set zoo v1: 2 classes\n", first.out.text());
    CliRun second =
        CliRun.run(
            "classes",
            "set",
            "--bootstrap-servers",
            bootstrap,
            "--prefix",
            "classes-",
            "--deployment",
            "zoo",
            "cat,dog,red panda");
    assertEquals(0, second.exitCode, second.err.toString());
    assertEquals("class set zoo v2: 3 classes\n", second.out.text());

    List<ClassSet> published = new ArrayList<>();
    CliKafka.readToEnd(
        bootstrap,
        "classes-class-sets",
        r -> published.add(AvroSerde.of(ClassSet.class).deserialize(null, r.value())));
    assertEquals(2, published.size());
    assertEquals(List.of("cat", "dog", "red panda"), published.get(1).getClassNames());
    assertEquals(2, published.get(1).getVersion());
    assertEquals("zoo", published.get(1).getDeployment());
  }

  @Test
  void shouldPublishOneImageEventPerFile() throws Exception {
    createTopics("images-");
    Path a = Files.write(dir.resolve("a.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    Path b = Files.write(dir.resolve("b.JPG"), new byte[] {(byte) 0xFF, (byte) 0xD8});
    CliRun run =
        CliRun.run(
            "produce",
            "images",
            "--bootstrap-servers",
            bootstrap,
            "--prefix",
            "images-",
            "--image",
            a.toString(),
            "--image",
            b.toString());
    assertEquals(0, run.exitCode, run.err.toString());
    List<ImageEvent> events = new ArrayList<>();
    CliKafka.readToEnd(
        bootstrap,
        "images-image-events",
        r -> events.add(AvroSerde.of(ImageEvent.class).deserialize(null, r.value())));
    assertEquals(List.of("a.png", "b.JPG"), events.stream().map(ImageEvent::getEventId).toList());
    assertEquals("image/png", events.get(0).getContentType());
    assertEquals("image/jpeg", events.get(1).getContentType());
    assertEquals(4, events.get(0).getImageBytes().remaining());
    assertEquals("default", events.get(0).getDeployment());
  }

  @Test
  void shouldMonitorLabelledPredictionsAndPrintTheFinalReportAsJson() throws Exception {
    String prefix = "mon-";
    createTopics(prefix);
    CliRun monitor = new CliRun();
    Thread thread =
        new Thread(
            () ->
                monitor.exitCode =
                    monitor
                        .commandLine()
                        .execute(
                            "monitor",
                            "--bootstrap-servers",
                            bootstrap,
                            "--prefix",
                            prefix,
                            "--state-dir",
                            dir.resolve("state").toString(),
                            "--window-size",
                            "2s",
                            "--window-advance",
                            "2s",
                            "--label-delay",
                            "10s",
                            "--grace",
                            "1s",
                            "--bins",
                            "10"),
            "calmon-monitor-test");
    thread.start();
    try {
      String status = monitor.out.nextLine(PATIENCE);
      assertNotNull(status, "no status line; stderr: " + monitor.err);
      assertTrue(status.startsWith("monitor running: application calmon-monitor-mon,"), status);

      CliRun classes =
          CliRun.run(
              "classes", "set", "--bootstrap-servers", bootstrap, "--prefix", prefix, "cat,dog");
      assertEquals(0, classes.exitCode, classes.err.toString());

      long now = System.currentTimeMillis();
      Instant windowStart = Instant.ofEpochMilli((now - 1000) / 2000 * 2000);
      double[] confidences = {0.9, 0.8, 0.7, 0.6, 0.95};
      boolean[] correct = {true, true, false, true, false};
      StringBuilder csv = new StringBuilder("event_id,label\n");
      try (KafkaProducer<String, byte[]> producer = CliKafka.producer(bootstrap)) {
        for (int i = 0; i < confidences.length; i++) {
          predict(producer, prefix, "e" + i, windowStart.plusMillis(10L * i), confidences[i]);
          csv.append("e").append(i).append(',').append(correct[i] ? "cat" : "dog").append('\n');
        }
        producer.flush();
        CliRun sent = produceLabels(prefix, "labels.csv", csv.toString());
        assertEquals("sent 5 labels to mon-labels\n", sent.out.text());

        awaitReport(prefix, r -> r.get("labelled_count").asLong() == confidences.length);
        // Stream time passes the window's end + label delay + grace: the window closes.
        predict(producer, prefix, "tick", windowStart.plusSeconds(20), 0.5);
        producer.flush();
      }

      JsonNode report =
          awaitReport(
              prefix,
              r ->
                  r.get("final").asBoolean()
                      && r.get("group").asText().equals("ALL")
                      && r.get("prompt_version").asLong() == 3);
      double batch = ExpectedCalibrationError.of(new TopLabelRows(confidences, correct), 10);
      assertEquals(batch, report.get("ece").asDouble(), 1e-12);
      assertEquals(windowStart.toString(), report.get("window_start").asText());
      assertEquals("default", report.get("deployment").asText());
      assertEquals(5, report.get("labelled_count").asLong());
      assertEquals(10, report.get("bins").size());
      assertTrue(report.has("ece_ci_low") && report.has("ace") && report.has("brier"));
    } finally {
      thread.interrupt();
      thread.join(PATIENCE.toMillis());
    }
    assertEquals(0, monitor.exitCode, monitor.err.toString());
  }

  /**
   * A metrics port already taken stops monitor, scorer and trainer at start-up with one line naming
   * the setting, not a stack trace. (Each gets past its topic checks: the broker is up.)
   */
  @Test
  void shouldStopEachServiceWithOneLineWhenItsMetricsPortIsTaken() throws Exception {
    String prefix = "ports-";
    createTopics(prefix);
    String tiny = "../clip/src/test/resources/golden/tiny";
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String port = Integer.toString(taken.getLocalPort());
      String[] common = {"--bootstrap-servers", bootstrap, "--prefix", prefix};
      CliRun monitor =
          run(
              "monitor",
              common,
              "--state-dir",
              dir.resolve("ports-state").toString(),
              "--metrics-port",
              port);
      CliRun scorer =
          run(
              "scorer",
              common,
              "--model",
              tiny,
              "--metrics-port",
              port,
              "--allow-unsigned-prompts");
      CliRun trainer = run("trainer", common, "--model", tiny, "--metrics-port", port);
      String where = "cannot serve metrics on 127.0.0.1:" + port + " (";
      assertOneLine(monitor, "calmon: metrics-port: " + where);
      assertOneLine(scorer, "calmon: metrics-port: " + where);
      assertOneLine(trainer, "calmon: metrics-port: " + where);
    }
  }

  /**
   * A second trainer of the same deployment takes its transactions over: the first ends with exit
   * code 1 and one sentence (no exception class, no stack trace), the second keeps running.
   */
  @Test
  void shouldEndAFencedTrainerWithOneSentenceAndExitCodeOne() throws Exception {
    String prefix = "fence-";
    createTopics(prefix);
    CliRun classes =
        CliRun.run("classes", "set", "--bootstrap-servers", bootstrap, "--prefix", prefix, "cat");
    assertEquals(0, classes.exitCode, classes.err.toString());
    String[] args = {
      "trainer",
      "--bootstrap-servers",
      bootstrap,
      "--prefix",
      prefix,
      "--model",
      "../clip/src/test/resources/golden/tiny"
    };
    CliRun first = new CliRun();
    Thread firstThread = new Thread(() -> first.exitCode = first.commandLine().execute(args));
    CliRun second = new CliRun();
    Thread secondThread = new Thread(() -> second.exitCode = second.commandLine().execute(args));
    try {
      firstThread.start();
      awaitErr(first, "calmon: trainer running");
      secondThread.start();
      awaitErr(second, "calmon: trainer running");
      // Input makes the first trainer use its producer, which the second one has fenced.
      produceLabels(prefix, "fence-labels.csv", "event_id,label\ne1,cat\n");
      firstThread.join(PATIENCE.toMillis());
      assertFalse(firstThread.isAlive(), "the fenced trainer still runs");
      String err = first.err.toString();
      assertEquals(1, first.exitCode, err);
      List<String> lines = err.strip().lines().toList();
      assertEquals(
          "calmon: trainer of deployment default: another trainer of deployment default started"
              + " and took over its transactions (one trainer per deployment)",
          lines.get(lines.size() - 1),
          err);
      assertFalse(err.contains("Exception"), err);
      assertTrue(secondThread.isAlive(), "the second trainer runs: " + second.err);
    } finally {
      secondThread.interrupt();
      secondThread.join(PATIENCE.toMillis());
      firstThread.interrupt();
    }
  }

  /** Sends {@code csv} ({@code event_id,label} rows) with {@code calmon produce labels}. */
  private CliRun produceLabels(String prefix, String fileName, String csv)
      throws java.io.IOException {
    Path labels = Files.writeString(dir.resolve(fileName), csv);
    CliRun sent =
        CliRun.run(
            "produce",
            "labels",
            "--bootstrap-servers",
            bootstrap,
            "--prefix",
            prefix,
            "--csv",
            labels.toString());
    assertEquals(0, sent.exitCode, sent.err.toString());
    return sent;
  }

  private static void awaitErr(CliRun run, String text) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!run.err.toString().contains(text)) {
      assertTrue(System.nanoTime() < deadline, "no '" + text + "' in: " + run.err);
      Thread.sleep(100);
    }
  }

  private static CliRun run(String command, String[] common, String... flags) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of(common));
    args.addAll(List.of(flags));
    return CliRun.run(args.toArray(String[]::new));
  }

  private static void assertOneLine(CliRun run, String start) {
    String err = run.err.toString();
    assertEquals(Calmon.USER_ERROR, run.exitCode, err);
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.startsWith(start), err);
  }

  @Test
  void shouldRunTheMonitorBenchmarkOnItsOwnBroker() {
    CliRun run =
        CliRun.run("bench", "monitor", "--events", "200", "--warmup-events", "100", "--span", "3m");
    assertEquals(0, run.exitCode, run.err.toString());
    List<String> lines = run.out.text().lines().toList();
    assertEquals(8, lines.size(), run.out.text());
    assertTrue(lines.get(0).startsWith("warm-up (not measured"), lines.get(0));
    // 200 predictions, 200 labels and one closing pair on the one partition.
    assertTrue(lines.get(2).startsWith("plain consumer (bound): 402 records in"), lines.get(2));
    assertTrue(
        lines.get(3).matches("decoding consumer \\(bound: .*\\): \\d+ events/s once reading"),
        lines.get(3));
    assertTrue(lines.get(4).contains(": 402 records in"), lines.get(4));
    assertTrue(
        lines
            .get(5)
            .matches(
                "ratio monitor/bound: \\d+\\.\\d{3} from start \\(\\d+\\.\\d{3} once reading\\);"
                    + " monitor/decoding consumer \\d+\\.\\d{3} once reading"),
        lines.get(5));
    assertEquals("labelled events counted by the final reports: 200 of 200 (1.0000)", lines.get(6));
    assertTrue(
        lines
            .get(7)
            .matches(
                "CPU over the \\d+\\.\\d\\d s pass \\(\\d+ cores\\): process \\d+\\.\\d\\d s, JIT"
                    + " compilers \\d+\\.\\d\\d s, 1 stream thread\\(s\\) \\d+\\.\\d\\d s"
                    + " \\(\\d+% of the pass each\\); \\d+\\.\\d us of stream-thread CPU per"
                    + " input record"),
        lines.get(7));
  }

  /** Runs {@code calmon reports --from-beginning} until a JSON line matches. */
  private static JsonNode awaitReport(String prefix, java.util.function.Predicate<JsonNode> wanted)
      throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    String seen = "";
    while (System.nanoTime() < deadline) {
      CliRun run =
          CliRun.run(
              "reports",
              "--bootstrap-servers",
              bootstrap,
              "--prefix",
              prefix,
              "--from-beginning",
              "--timeout",
              "1s");
      assertEquals(0, run.exitCode, run.err.toString());
      seen = run.out.text();
      List<JsonNode> lines = new ArrayList<>();
      for (String line : seen.lines().toList()) {
        lines.add(JSON.readTree(line)); // every line is one JSON object
      }
      Optional<JsonNode> match = lines.stream().filter(wanted).findFirst();
      if (match.isPresent()) {
        return match.get();
      }
    }
    throw new AssertionError("no matching report within " + PATIENCE + ":\n" + seen);
  }

  private static void predict(
      KafkaProducer<String, byte[]> producer,
      String prefix,
      String id,
      Instant eventTime,
      double confidence) {
    Prediction p =
        Prediction.newBuilder()
            .setEventId(id)
            .setEventTime(eventTime)
            .setScoredAt(eventTime)
            .setPromptVersion(id.equals("tick") ? 99 : 3)
            .setClassSetVersion(1)
            .setPredictedClass("cat")
            .setConfidence(confidence)
            .setGroup(CalibrationGroup.BASE)
            .setTopK(List.of(new ClassProbability("cat", confidence)))
            .setEntropy(0.1)
            .setScorerId("it")
            .build();
    producer.send(
        new ProducerRecord<>(
            CalmonTopics.withPrefix(prefix).predictions().name(),
            null,
            eventTime.toEpochMilli(),
            id,
            AvroSerde.of(Prediction.class).serialize(null, p)));
  }
}
