package io.calmon.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.broker.testing.CommittedRecords;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.TopicAdmin;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.ClassProbability;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.RetrainRequest;
import io.calmon.service.LayeredConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarting the monitor changes nothing it reports (issue 7): the same predictions and labels,
 * with explicit timestamps, go into three sets of fresh topics. Monitor A reads all of them without
 * interruption. Monitors B and C read the first half, are stopped ({@link MonitorService#stop()}),
 * C's local state directory is deleted (so C restores every store from its changelog), the second
 * half is produced, and both are started again. Their final reports, alerts and retrain requests
 * must equal A's: same windows, groups and counts, ECE and every other number exactly.
 *
 * <p>Nor do the number of input partitions, the number of instances or the order in which a backlog
 * is read: the same input, every prediction written before any label, is read from 1, 3 and 6
 * partitions and by 2 instances on 6, and every final report and alert must equal the one-partition
 * run's and count every labelled pair.
 *
 * <p>Confidences are multiples of 1/64, so every sum the sketch keeps is exact whatever the order
 * of additions (partial windows of several partitions merge in any order).
 */
class MonitorRestartIT {

  /** Patience for asynchronous outcomes; a passing run needs a small fraction of it. */
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  private static final long WINDOW_MS = 2000;
  private static final int WINDOWS = 8;
  private static final int PER_WINDOW = 60;
  private static final List<String> BASE = List.of("cat", "dog");
  private static final List<String> NEW = List.of("fox", "owl");

  private static EmbeddedKafkaBroker broker;

  /**
   * The broker under test: the embedded one here, a container in {@link MonitorRestartContainerIT}.
   */
  static String bootstrap;

  @TempDir Path stateRoot;

  private final List<MonitorService> services = new ArrayList<>();
  private final List<Process> children = new ArrayList<>();
  private KafkaProducer<String, byte[]> producer;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder().build().start();
    bootstrap = broker.bootstrapServers();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Process child : children) {
      child.destroyForcibly();
      child.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
    services.forEach(MonitorService::stop);
    if (producer != null) {
      producer.close();
    }
  }

  @Test
  void shouldReportExactlyAsAnUninterruptedRunAfterAStopAndAfterLosingItsLocalState()
      throws Exception {
    producer = producer();
    Instant t0 = tenMinutesAgo();
    List<Input> input = input(t0, 7);
    // The stop falls where window 3 has all its records (labels come within 900 ms) but is not
    // closed yet (that takes 1.5 s): its final report can only come from restored state. Window 4
    // is half read, and some of its labels come after the restart.
    Instant stopAt = t0.plusMillis(4 * WINDOW_MS + 1200);
    List<Input> first = input.stream().filter(i -> i.timestamp().isBefore(stopAt)).toList();
    List<Input> second = input.subList(first.size(), input.size());

    CalmonTopics a = topics("restart-a-");
    CalmonTopics b = topics("restart-b-");
    CalmonTopics c = topics("restart-c-");
    produce(a, input);
    produce(b, first);
    produce(c, first);

    start(a); // uninterrupted
    MonitorService stopped = start(b);
    MonitorService wiped = start(c);
    long predictions = first.stream().filter(Input::isPrediction).count();
    long labels = first.size() - predictions;
    for (MonitorService m : List.of(stopped, wiped)) {
      await(
          () -> m.counters().predictions() == predictions && m.counters().labels() == labels,
          m.settings().applicationId() + " read the first half");
    }
    stopped.stop();
    wiped.stop();
    // A stopped monitor leaves its group, so the restart need not wait out its session.
    assertEquals(List.of(), members(stopped.settings().applicationId()));
    assertEquals(List.of(), members(wiped.settings().applicationId()));
    deleteTree(wiped.settings().stateDir());
    assertFalse(Files.exists(wiped.settings().stateDir()));

    produce(b, second);
    produce(c, second);
    start(b);
    start(c);

    // The tick closes every window but its own.
    List<Long> windows = input.stream().map(Input::window).distinct().sorted().toList();
    Instant last = Instant.ofEpochMilli(windows.get(windows.size() - 2) * WINDOW_MS);
    List<CalibrationReport> want = finalReports(a, last);
    assertEquals(3 * (windows.size() - 1), want.size(), "BASE, NEW and ALL per window: " + want);
    assertLabelledCountsMatchTheInput(want, input);
    List<Alert> wantAlerts = alerts(a);
    assertFalse(wantAlerts.isEmpty(), "the data was chosen to raise alerts");

    for (CalmonTopics restarted : List.of(b, c)) {
      String who = restarted.prefix();
      assertEquals(want, finalReports(restarted, last), who + " final reports");
      assertEquals(wantAlerts, alerts(restarted), who + " alerts");
      assertEquals(
          ids(read(a.retrainRequests().name(), RetrainRequest.class)),
          ids(read(restarted.retrainRequests().name(), RetrainRequest.class)),
          who + " retrain requests");
    }
  }

  @Test
  void shouldReportTheSameFromABacklogOnOneThreeAndSixPartitionsAndTwoInstances() throws Exception {
    producer = producer();
    Instant t0 = tenMinutesAgo();
    List<Input> input = input(t0, 11);
    // A backlog in the worst order for stream time: every prediction is written (and so read)
    // before any label, all before the monitors start.
    List<Input> backlog =
        Stream.concat(
                input.stream().filter(Input::isPrediction),
                input.stream().filter(i -> !i.isPrediction()))
            .toList();
    CalmonTopics one = topics("backlog-1p-", 1);
    CalmonTopics three = topics("backlog-3p-", 3);
    CalmonTopics six = topics("backlog-6p-", 6);
    CalmonTopics sixTwice = topics("backlog-6p2i-", 6);
    CalmonTopics crc32 = topics("backlog-crc32-", 6);
    for (CalmonTopics topics : List.of(one, three, six, sixTwice)) {
      produce(topics, backlog);
    }
    // Labels as librdkafka's default partitioner places them (CRC32 of the key), away from their
    // predictions (murmur2, Kafka's Java producer): the monitor routes them by event id.
    produce(crc32, backlog, key -> crc32Partition(key, 6));
    start(one);
    start(three);
    start(six);
    start(sixTwice, 0);
    start(sixTwice, 1);
    start(crc32);

    List<Long> windows = input.stream().map(Input::window).distinct().sorted().toList();
    Instant last = Instant.ofEpochMilli(windows.get(windows.size() - 2) * WINDOW_MS);
    List<CalibrationReport> want = finalReports(one, last);
    assertEquals(3 * (windows.size() - 1), want.size(), "BASE, NEW and ALL per window: " + want);
    assertLabelledCountsMatchTheInput(want, input);
    List<Alert> wantAlerts = alerts(one);
    assertFalse(wantAlerts.isEmpty(), "the data was chosen to raise alerts");
    for (CalmonTopics other : List.of(three, six, sixTwice, crc32)) {
      String who = other.prefix();
      List<CalibrationReport> got = finalReports(other, last);
      assertEquals(counts(want), counts(got), who + " final reports' counts");
      assertEquals(want, got, who + " final reports");
      assertEquals(wantAlerts, alerts(other), who + " alerts");
      assertEquals(List.of(), read(other.deadLetters().name(), DeadLetter.class), who);
    }
  }

  @Test
  void shouldReportExactlyAsAnUninterruptedRunAfterASigkillOnThreePartitions() throws Exception {
    producer = producer();
    Instant t0 = tenMinutesAgo();
    List<Input> input = input(t0, 13);
    CalmonTopics uninterrupted = topics("kill-a-", 3);
    CalmonTopics killed = topics("kill-b-", 3);
    produce(uninterrupted, input);
    start(uninterrupted);

    // The killed monitor reads a live stream: ten chunks, one every 100 ms. It is killed right
    // after the fifth, once it has committed some input: records read but not committed, an open
    // transaction, state written to its stores and changelogs but not committed.
    int chunk = (input.size() + 9) / 10;
    Process child = startProcess(killed);
    String group = "calmon-monitor-" + killed.prefix().replace("-", "");
    for (int c = 0; c < 5; c++) {
      produce(killed, input.subList(c * chunk, (c + 1) * chunk));
      if (c == 2) {
        await(() -> committedInputRecords(group, killed) > 0, "the child committed some input");
      }
      Thread.sleep(100);
    }
    child.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
    assertTrue(child.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9)");

    produce(killed, input.subList(5 * chunk, input.size()));
    startProcess(killed);

    List<Long> windows = input.stream().map(Input::window).distinct().sorted().toList();
    Instant last = Instant.ofEpochMilli(windows.get(windows.size() - 2) * WINDOW_MS);
    List<CalibrationReport> want = finalReports(uninterrupted, last);
    assertLabelledCountsMatchTheInput(want, input);
    List<CalibrationReport> got = finalReports(killed, last);
    assertEquals(counts(want), counts(got), "final reports' counts after the SIGKILL");
    assertEquals(want, got, "final reports after the SIGKILL");
    assertEquals(alerts(uninterrupted), alerts(killed), "alerts after the SIGKILL");
    assertEquals(
        ids(read(uninterrupted.retrainRequests().name(), RetrainRequest.class)),
        ids(read(killed.retrainRequests().name(), RetrainRequest.class)),
        "retrain requests after the SIGKILL");
  }

  // --- the input ------------------------------------------------------------------------------

  /** The start of the window ten minutes ago: recent enough for the broker's retention. */
  private static Instant tenMinutesAgo() {
    long now = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
    return Instant.ofEpochMilli(now / WINDOW_MS * WINDOW_MS);
  }

  /**
   * One prediction or label.
   *
   * @param timestamp the record timestamp: event time of a prediction, labelling time of a label
   * @param window the index of the window the event falls in (for a label: its prediction's)
   */
  private record Input(
      boolean isPrediction, String key, byte[] value, Instant timestamp, long window) {}

  /**
   * {@link #WINDOWS} windows of {@link #PER_WINDOW} predictions each (two base and two new classes,
   * confidence k/64, right less often than confident, so that ECE alerts fire), 85% labelled on
   * time, and a last prediction and its label far ahead that close every window. Predictions sit on
   * even, labels on odd milliseconds: no two records share a timestamp, so the order in which the
   * monitor reads the two topics is fixed.
   */
  private static List<Input> input(Instant t0, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> classes = Stream.concat(BASE.stream(), NEW.stream()).toList();
    List<Input> all = new ArrayList<>();
    long step = WINDOW_MS / PER_WINDOW / 2 * 2;
    for (int w = 0; w < WINDOWS; w++) {
      for (int i = 0; i < PER_WINDOW; i++) {
        String id = "w" + w + "-" + i;
        Instant eventTime = t0.plusMillis(w * WINDOW_MS + i * step);
        String predicted = classes.get(random.nextInt(classes.size()));
        double confidence = (16 + random.nextInt(48)) / 64.0;
        all.add(prediction(id, eventTime, predicted, confidence));
        if (random.nextDouble() < 0.85) {
          boolean right = random.nextDouble() < confidence - 0.25;
          String truth = right ? predicted : classes.get((classes.indexOf(predicted) + 1) % 4);
          Instant labelled = eventTime.plusMillis(1 + 2 * random.nextInt(450)); // < 1 s: on time
          all.add(label(id, truth, labelled, eventTime));
        }
      }
    }
    Instant tick = t0.plusMillis(WINDOWS * WINDOW_MS + 10_000);
    all.add(prediction("tick", tick, "cat", 0.5));
    all.add(label("tick", "cat", tick.plusMillis(1), tick));
    all.sort(Comparator.comparing(Input::timestamp));
    return List.copyOf(all);
  }

  private static Input prediction(String id, Instant eventTime, String predicted, double conf) {
    Prediction p =
        Prediction.newBuilder()
            .setEventId(id)
            .setEventTime(eventTime)
            .setScoredAt(eventTime)
            .setPromptVersion(1)
            .setClassSetVersion(1)
            .setPredictedClass(predicted)
            .setConfidence(conf)
            .setGroup(BASE.contains(predicted) ? CalibrationGroup.BASE : CalibrationGroup.NEW)
            .setTopK(List.of(new ClassProbability(predicted, conf)))
            .setEntropy(0.1)
            .setScorerId("it")
            .build();
    return new Input(
        true, id, AvroSerde.of(Prediction.class).serialize(null, p), eventTime, window(eventTime));
  }

  private static Input label(String id, String trueClass, Instant at, Instant eventTime) {
    Label label =
        Label.newBuilder().setEventId(id).setTrueClass(trueClass).setLabelledAt(at).build();
    return new Input(
        false, id, AvroSerde.of(Label.class).serialize(null, label), at, window(eventTime));
  }

  private static long window(Instant eventTime) {
    return eventTime.toEpochMilli() / WINDOW_MS;
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private void produce(CalmonTopics topics, List<Input> records) {
    produce(topics, records, key -> -1);
  }

  /**
   * Writes {@code records}; labels to the partition {@code labelPartition} names (-1: the
   * producer's default partitioner, as for predictions).
   */
  private void produce(
      CalmonTopics topics, List<Input> records, ToIntFunction<String> labelPartition) {
    for (Input r : records) {
      String topic = r.isPrediction() ? topics.predictions().name() : topics.labels().name();
      int partition = r.isPrediction() ? -1 : labelPartition.applyAsInt(r.key());
      producer.send(
          new ProducerRecord<>(
              topic,
              partition < 0 ? null : partition,
              r.timestamp().toEpochMilli(),
              r.key(),
              r.value()));
    }
    producer.flush();
  }

  /** The partition librdkafka's default partitioner picks for a key: CRC32 of its bytes. */
  private static int crc32Partition(String key, int partitions) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % partitions);
  }

  /** Labels per window of the input, against A's final ALL reports. */
  private static void assertLabelledCountsMatchTheInput(
      List<CalibrationReport> reports, List<Input> input) {
    for (CalibrationReport r : reports) {
      if (r.getGroup() == CalibrationGroup.ALL) {
        long window = window(r.getWindowStart());
        long labels = input.stream().filter(i -> !i.isPrediction() && i.window() == window).count();
        assertEquals(labels, r.getLabelledCount(), "labels of window " + r.getWindowStart());
      }
    }
  }

  // --- monitors -------------------------------------------------------------------------------

  private MonitorService start(CalmonTopics topics) {
    return start(topics, 0);
  }

  /** Instance {@code instance} of the monitor of {@code topics} (its own state directory). */
  private MonitorService start(CalmonTopics topics, int instance) {
    LayeredConfig.Builder config = MonitorSettings.definitions();
    monitorFlags(topics, instance).forEach(config::flag);
    MonitorService service = new MonitorService(MonitorSettings.from(config.build()));
    services.add(service);
    return service.start();
  }

  private static CalmonTopics topics(String prefix) {
    return topics(prefix, 1);
  }

  /** The monitor of {@code topics} as {@link #start(CalmonTopics)} runs it, in a child JVM. */
  private Process startProcess(CalmonTopics topics) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.calmon"); // as ./calmon runs it
    command.add("-cp");
    // Under failsafe the class path may be one manifest-only jar; the child JVM reads it the same.
    command.add(System.getProperty("java.class.path"));
    command.add(MonitorProcess.class.getName());
    monitorFlags(topics, 0).forEach((key, value) -> command.add(key + "=" + value));
    Path log =
        Files.createDirectories(Path.of("target", "monitor-processes"))
            .resolve(topics.prefix() + "child-" + children.size() + ".log");
    Process child =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    children.add(child);
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!Files.readString(log).contains("RUNNING")) {
      if (!child.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("the monitor process did not start: " + Files.readString(log));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    return child;
  }

  /** Input records (predictions and labels) whose offsets {@code group} has committed. */
  private static long committedInputRecords(String group, CalmonTopics topics) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get()
          .entrySet()
          .stream()
          .filter(
              e ->
                  e.getKey().topic().equals(topics.predictions().name())
                      || e.getKey().topic().equals(topics.labels().name()))
          .mapToLong(e -> e.getValue() == null ? 0 : e.getValue().offset())
          .sum();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot read the offsets of " + group, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Map<String, String> monitorFlags(CalmonTopics topics, int instance) {
    String name = topics.prefix().replace("-", "");
    Map<String, String> flags = new java.util.LinkedHashMap<>();
    flags.put("bootstrap-servers", bootstrap);
    flags.put("prefix", topics.prefix());
    flags.put("application-id", "calmon-monitor-" + name);
    flags.put("state-dir", stateRoot.resolve(name + "-" + instance).toString());
    flags.put("window-size", WINDOW_MS + "ms");
    flags.put("window-advance", WINDOW_MS + "ms");
    flags.put("label-delay", "1s");
    flags.put("grace", "500ms");
    // Partitions without the closing tick go idle and stop holding windows open.
    flags.put("idle-timeout", "10s");
    flags.put("bins", "10");
    // The groups by predicted class: these runs publish no prompt version, so there are no
    // groups by true class (the default rule's) to alert on.
    flags.put("alert-groups", "base,new");
    flags.put("ece-threshold", "0.05");
    flags.put("min-labelled", "10");
    flags.put("consecutive-windows", "2");
    flags.put("cooldown", "0s");
    flags.put("require-ci-above-threshold", "false");
    return flags;
  }

  private static CalmonTopics topics(String prefix, int partitions) {
    CalmonTopics topics = CalmonTopics.withPrefix(prefix);
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap, PATIENCE)) {
      admin.createAll(topics, partitions, (short) 1);
    }
    return topics;
  }

  // --- outputs --------------------------------------------------------------------------------

  /**
   * Every final report once those of the window starting at {@code last} (all three groups) are
   * committed, sorted by window and group, with the wall-clock emission time cleared (the one field
   * two runs cannot share). Windows close in order, so the earlier ones are in by then.
   */
  private static List<CalibrationReport> finalReports(CalmonTopics topics, Instant last) {
    Predicate<CalibrationReport> ofLast = r -> r.getFinal$() && r.getWindowStart().equals(last);
    return read(
            topics.calibrationReports().name(),
            CalibrationReport.class,
            all -> all.stream().filter(ofLast).count() >= 3)
        .stream()
        .filter(CalibrationReport::getFinal$)
        .map(MonitorRestartIT::withoutEmissionTime)
        .sorted(
            Comparator.comparing(CalibrationReport::getWindowStart)
                .thenComparing(CalibrationReport::getPromptVersion)
                .thenComparing(CalibrationReport::getGroup))
        .toList();
  }

  /**
   * Every committed alert by group and window, with wall-clock times cleared. Groups keep separate
   * streaks, so only the order within a group is part of the contract.
   */
  private static List<Alert> alerts(CalmonTopics topics) {
    return read(topics.calibrationAlerts().name(), Alert.class).stream()
        .map(
            a ->
                Alert.newBuilder(a)
                    .setRaisedAt(Instant.EPOCH)
                    .setEvidence(
                        a.getEvidence().stream()
                            .map(MonitorRestartIT::withoutEmissionTime)
                            .toList())
                    .build())
        .sorted(
            Comparator.comparing(Alert::getGroup)
                .thenComparing(a -> a.getEvidence().get(a.getEvidence().size() - 1).getWindowEnd()))
        .toList();
  }

  /** Window, group and counts of each report: a readable first comparison. */
  private static List<String> counts(List<CalibrationReport> reports) {
    return reports.stream()
        .map(
            r ->
                r.getWindowStart()
                    + " "
                    + r.getGroup()
                    + " scored "
                    + r.getScoredCount()
                    + " labelled "
                    + r.getLabelledCount()
                    + " late "
                    + r.getLateLabelCount())
        .toList();
  }

  private static CalibrationReport withoutEmissionTime(CalibrationReport r) {
    return CalibrationReport.newBuilder(r).setEmittedAt(Instant.EPOCH).build();
  }

  private static List<String> ids(List<RetrainRequest> requests) {
    return requests.stream().map(r -> r.getRequestId() + "/" + r.getAlertId()).sorted().toList();
  }

  private static <T extends SpecificRecord> List<T> read(String topic, Class<T> type) {
    return read(topic, type, all -> true);
  }

  /**
   * The committed records of {@code topic}, read from the start once {@code enough} holds, up to
   * the end offsets (the last stable offsets) seen at that moment; waits up to the patience.
   */
  private static <T extends SpecificRecord> List<T> read(
      String topic, Class<T> type, Predicate<List<T>> enough) {
    return CommittedRecords.once(bootstrap, topic, type, enough, PATIENCE);
  }

  /** The members of a consumer group (a Streams application's group id is its application id). */
  private static List<String> members(String group) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
          .map(m -> m.consumerId())
          .toList();
    }
  }

  // --- plumbing -------------------------------------------------------------------------------

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + PATIENCE + ": " + what);
      }
      Thread.sleep(50);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
