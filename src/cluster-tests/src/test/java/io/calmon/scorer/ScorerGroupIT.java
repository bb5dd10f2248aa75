package io.calmon.scorer;

import static io.calmon.scorer.ScorerKafka.await;
import static io.calmon.scorer.ScorerKafka.png;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.clip.ClipModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two scorer instances in one consumer group on a three-partition {@code image-events}: every event
 * gets exactly one prediction that {@code read_committed} readers see, while an instance joins
 * mid-stream, leaves, crashes with its transaction open, or, as a process of its own, is killed
 * with SIGKILL and restarted.
 */
class ScorerGroupIT {

  private static final Path TINY = Path.of("../clip/src/test/resources/golden/tiny");
  private static final List<String> CLASSES = List.of("cat", "dog", "bird", "car");

  /**
   * The scorer tests' broker settings plus one: a broker looks for timed-out transactions every 10
   * s by default; every second here, so the crash test waits on the scorer's transaction timeout
   * rather than on the broker's scan. Set on the embedded broker here and on the container in
   * {@link ScorerGroupContainerIT}.
   */
  static final Map<String, String> BROKER_PROPERTIES = brokerProperties();

  private static EmbeddedKafkaBroker broker;
  private static ClipModel clip;

  /**
   * The broker under test: the embedded one here, a container in {@link ScorerGroupContainerIT}.
   */
  static String bootstrap;

  private static Map<String, String> brokerProperties() {
    Map<String, String> properties = new TreeMap<>(ScorerKafka.BROKER_PROPERTIES);
    properties.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    return Map.copyOf(properties);
  }

  @BeforeAll
  static void loadModel() {
    clip = ClipModel.load(TINY);
  }

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder().optBrokerProperties(BROKER_PROPERTIES).build().start();
    bootstrap = broker.bootstrapServers();
  }

  @AfterAll
  static void closeModel() {
    if (clip != null) {
      clip.close();
    }
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static ScorerConfig config(ScorerKafka kafka, String deployment, String id) {
    return builder(kafka, deployment, id).build();
  }

  private static ScorerConfig.Builder builder(ScorerKafka kafka, String deployment, String id) {
    return ScorerConfig.builder()
        .setBootstrapServers(kafka.bootstrap)
        .optTopics(kafka.topics)
        .optDeployment(deployment)
        .optInstanceId(id)
        .optBatchSize(4)
        .optMaxWait(Duration.ofMillis(20))
        .optMaxPixels(48 * 48);
  }

  @Test
  void shouldCommitEachEventOnceWhileASecondInstanceJoinsAndTheFirstLeaves() throws Exception {
    try (ScorerKafka kafka = new ScorerKafka(bootstrap)) {
      kafka.publishClassSet("pair", 1, CLASSES);
      List<String> events = send(kafka, "pair", "a", 16);
      ScorerService a = new ScorerService(config(kafka, "pair", "s-0"), clip).start();
      await("a first batch of the lone instance", () -> a.metrics().predictionsOut() > 0);

      // The second instance joins while the first is mid-stream: the first must hand over its
      // revoked partitions with nothing left in an open transaction.
      ScorerService b = new ScorerService(config(kafka, "pair", "s-1"), clip).start();
      await("both instances sharing the partitions", () -> shareAll(a, b));
      events.addAll(send(kafka, "pair", "b", 16));
      assertExactlyOnce(kafka, events);

      // The first leaves gracefully: the second takes over every partition.
      a.close();
      events.addAll(send(kafka, "pair", "c", 8));
      assertExactlyOnce(kafka, events);
      b.close();

      assertNull(a.failure());
      assertNull(b.failure());
      assertExactlyOnce(kafka, events);
      assertEquals(events.size(), a.metrics().eventsIn() + b.metrics().eventsIn());
    }
  }

  @Test
  void shouldHandOverACrashedInstancesPartitionsWithoutLossOrDuplicates() throws Exception {
    try (ScorerKafka kafka = new ScorerKafka(bootstrap)) {
      kafka.publishClassSet("failover", 1, CLASSES);
      AtomicBoolean armed = new AtomicBoolean();
      // Dies after sending a batch's predictions and offsets, before committing them: no abort,
      // no clean close, its transaction left open on the broker, and it is never restarted.
      ScorerService doomed =
          new ScorerService(
              config(kafka, "failover", "s-0"),
              clip,
              batch -> {
                if (armed.get()) {
                  throw new ScorerService.SimulatedCrash("mid-stream, batch " + batch);
                }
              });
      ScorerService survivor = new ScorerService(config(kafka, "failover", "s-1"), clip);
      doomed.start();
      survivor.start();
      await("both instances sharing the partitions", () -> shareAll(doomed, survivor));

      armed.set(true);
      List<String> events = send(kafka, "failover", "e", 24);
      await("the crash", () -> !doomed.isRunning());
      doomed.close();
      assertEquals(0, doomed.metrics().predictionsOut(), "the crashed batch was never committed");

      // The survivor takes over the crashed instance's partitions and scores every event.
      assertExactlyOnce(kafka, events);
      survivor.close();
      assertNull(survivor.failure());
      assertExactlyOnce(kafka, events);
      assertEquals(events.size(), survivor.metrics().predictionsOut());
      assertTrue(survivor.metrics().eventsIn() == events.size());
    }
  }

  @Test
  void shouldCommitEachEventOnceWhenAScorerProcessIsKilledWithSigkillMidStreamAndRestarted()
      throws Exception {
    List<Process> children = new ArrayList<>();
    try (ScorerKafka kafka = new ScorerKafka(bootstrap)) {
      kafka.publishClassSet("sigkill", 1, CLASSES);
      Process first = scorerProcess(kafka, "sigkill", "p-0", children);
      scorerProcess(kafka, "sigkill", "p-1", children);
      // Events keep coming while the first process is killed: it dies with records read,
      // predictions sent and a transaction open, or between two transactions.
      List<String> events = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        String id = "k-" + i;
        kafka.sendImage("sigkill", id, png(32, i), i);
        events.add(id);
        if (i == 150) {
          kafka.readAll(kafka.topics.predictions().name(), 20); // both scoring by now
          first.destroyForcibly(); // SIGKILL: no shutdown hook, no abort, no clean close
          assertTrue(first.waitFor(ScorerKafka.PATIENCE.toSeconds(), TimeUnit.SECONDS));
          assertEquals(137, first.exitValue(), "killed by SIGKILL (128 + 9)");
          scorerProcess(kafka, "sigkill", "p-0", children); // restarted with its instance id
        }
      }
      assertExactlyOnce(kafka, events);
    } finally {
      for (Process child : children) {
        child.destroyForcibly();
        child.waitFor(ScorerKafka.PATIENCE.toSeconds(), TimeUnit.SECONDS);
      }
    }
  }

  /** A scorer of {@code deployment} in a child JVM; returns once it has started. */
  private static Process scorerProcess(
      ScorerKafka kafka, String deployment, String instanceId, List<Process> children)
      throws IOException, InterruptedException {
    Path log =
        Files.createDirectories(Path.of("target", "scorer-processes"))
            .resolve(kafka.topics.prefix() + instanceId + "-" + children.size() + ".log");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.calmon", // as ./calmon runs it
                "-cp",
                // Under failsafe the class path may be one manifest-only jar; the child reads it.
                System.getProperty("java.class.path"),
                ScorerProcess.class.getName(),
                kafka.bootstrap,
                kafka.topics.prefix(),
                deployment,
                instanceId,
                TINY.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    children.add(child);
    await(
        "scorer process " + instanceId + " running",
        () -> {
          try {
            if (!child.isAlive()) {
              throw new AssertionError("scorer process died: " + Files.readString(log));
            }
            return Files.readString(log).contains("RUNNING");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    return child;
  }

  @Test
  void shouldAbortAFailedInstancesTransactionAtOnce() throws Exception {
    try (ScorerKafka kafka = new ScorerKafka(bootstrap)) {
      kafka.publishClassSet("bug", 1, CLASSES);
      AtomicBoolean armed = new AtomicBoolean();
      // A bug (no KafkaException) between the sends and the commit. The longest transaction
      // timeout: if the failing instance left its transaction open, its partitions would stay
      // blocked far beyond the test's patience; it must abort it as it stops.
      ScorerConfig failingConfig =
          builder(kafka, "bug", "s-0")
              .optTransactionTimeout(ScorerConfig.MAX_TRANSACTION_TIMEOUT)
              .build();
      ScorerService failing =
          new ScorerService(
              failingConfig,
              clip,
              batch -> {
                if (armed.get()) {
                  throw new IllegalStateException("a bug in batch " + batch);
                }
              });
      ScorerService survivor = new ScorerService(config(kafka, "bug", "s-1"), clip);
      failing.start();
      survivor.start();
      await("both instances sharing the partitions", () -> shareAll(failing, survivor));

      armed.set(true);
      List<String> events = send(kafka, "bug", "e", 24);
      await("the failure", () -> !failing.isRunning());
      failing.close();
      assertTrue(failing.failure() instanceof IllegalStateException, "" + failing.failure());

      assertExactlyOnce(kafka, events);
      survivor.close();
      assertNull(survivor.failure());
      assertExactlyOnce(kafka, events);
    }
  }

  /** Both are in the group's current generation, and between them they own every partition. */
  private static boolean shareAll(ScorerService a, ScorerService b) {
    long pa = a.metrics().assignedPartitions();
    long pb = b.metrics().assignedPartitions();
    return pa > 0 && pb > 0 && pa + pb == 3;
  }

  private static List<String> send(ScorerKafka kafka, String deployment, String prefix, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = prefix + "-" + i;
      kafka.sendImage(deployment, id, png(32, prefix.hashCode() + i), i);
      ids.add(id);
    }
    return ids;
  }

  /**
   * The committed {@code predictions} hold exactly one record per event: none missing (a reader
   * stalled behind an open transaction fails here after {@link ScorerKafka#PATIENCE}), none twice.
   */
  private static void assertExactlyOnce(ScorerKafka kafka, List<String> events) {
    List<String> keys =
        kafka.readAll(kafka.topics.predictions().name(), events.size()).stream()
            .map(ConsumerRecord::key)
            .toList();
    Map<String, Long> counts =
        keys.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertEquals(Set.copyOf(events), counts.keySet());
    assertEquals(events.size(), keys.size(), "duplicates: " + duplicates(counts));
  }

  private static List<String> duplicates(Map<String, Long> counts) {
    return counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
  }
}
