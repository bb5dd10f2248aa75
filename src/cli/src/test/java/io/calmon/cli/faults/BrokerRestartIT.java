package io.calmon.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.broker.testing.CommittedRecords;
import io.calmon.clip.ClipModel;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.kafka.TopicAdmin;
import io.calmon.monitor.MonitorConfig;
import io.calmon.monitor.MonitorService;
import io.calmon.monitor.MonitorSettings;
import io.calmon.monitor.alerting.ConfidenceLiftRule;
import io.calmon.monitor.alerting.TextDivergenceRule;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.scorer.ScorerConfig;
import io.calmon.scorer.ScorerService;
import io.calmon.trainer.service.TrainerService;
import io.calmon.trainer.service.TrainerSettings;
import io.calmon.world.DefaultModel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stopped for a few seconds and started again on the same port and data dir while a
 * scorer, the monitor and the trainer run in this JVM (as the demo runs them) and world traffic
 * keeps coming: some of it is sent before the stop, some while the broker is down (a producer
 * blocked until it is back), some after the restart. Under read_committed every image event has
 * exactly one prediction, the monitor's final reports count every labelled event of every window
 * the traffic closed, and every service is still running.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BrokerRestartIT {

  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final Duration WINDOW = Duration.ofSeconds(2);
  private static final Duration STEP = Duration.ofMillis(100);
  private static final Duration LABEL_DELAY = Duration.ofMillis(300);
  private static final Duration DOWN = Duration.ofSeconds(4);
  private static final int PARTITIONS = 3;
  private static final int PER_PHASE = 40;

  @TempDir Path dir;

  @Test
  void shouldScoreEveryEventOnceAndReportEveryLabelAcrossABrokerRestart() throws Exception {
    int port = freePort();
    Path data = dir.resolve("kafka");
    EmbeddedKafkaBroker broker = broker(port, data).start();
    String bootstrap = broker.bootstrapServers();
    CalmonTopics topics = CalmonTopics.withPrefix("bounce-");
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap, PATIENCE)) {
      admin.createAll(topics, PARTITIONS, (short) 1);
    }
    // Event times a few minutes back, at a window start: the windows are known in advance.
    long now = System.currentTimeMillis() - Duration.ofMinutes(5).toMillis();
    Instant t0 = Instant.ofEpochMilli(now / WINDOW.toMillis() * WINDOW.toMillis());
    List<AutoCloseable> running = new ArrayList<>();
    try (ClipModel clip = ClipModel.load(DefaultModel.path());
        WorldFeed feed =
            new WorldFeed(
                bootstrap, KafkaClientConfig.none(), topics, 11, t0, STEP, LABEL_DELAY, 0.8)) {
      ClassSet classes = feed.classSet();
      try (var producer = WorldFeed.producer(bootstrap)) {
        producer
            .send(
                new ProducerRecord<>(
                    topics.classSets().name(),
                    WorldFeed.DEPLOYMENT,
                    AvroCodec.of(ClassSet.class).encode(classes)))
            .get();
      }
      MonitorService monitor = new MonitorService(monitorSettings(bootstrap, topics)).start();
      running.add(monitor);
      TrainerService trainer = new TrainerService(trainerSettings(bootstrap, topics), clip);
      running.add(trainer);
      trainer.start();
      assertTrue(trainer.awaitReady(PATIENCE), "trainer ready: " + trainer.failure());
      ScorerService scorer =
          new ScorerService(
                  ScorerConfig.builder()
                      .setBootstrapServers(bootstrap)
                      .optTopics(topics)
                      .optInstanceId("bounce-scorer-1")
                      .build(),
                  clip)
              .start();
      running.add(scorer);

      feed.send(0, PER_PHASE);
      feed.flush();
      CommittedRecords.once(
          bootstrap,
          topics.predictions().name(),
          Prediction.class,
          seen -> seen.size() >= PER_PHASE / 2,
          PATIENCE);

      broker.close();
      // A producer of its own keeps sending while the broker is down (its sends block until the
      // metadata can be refreshed, as any producer's do).
      ExecutorService sender = Executors.newSingleThreadExecutor();
      Future<?> whileDown = sender.submit(() -> feed.send(PER_PHASE, 2 * PER_PHASE));
      sender.shutdown();
      Thread.sleep(DOWN.toMillis());
      broker = broker(port, data).start();
      assertEquals(bootstrap, broker.bootstrapServers(), "the same address after the restart");
      whileDown.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      feed.send(2 * PER_PHASE, 3 * PER_PHASE);
      Duration closeAfter = Duration.ofMillis(1500);
      feed.closeWindows(PARTITIONS, WINDOW.plus(closeAfter).plus(WINDOW).plus(WINDOW));

      FinalReports.assertOnePredictionPerEvent(
          bootstrap, topics.predictions().name(), feed.events(), PATIENCE);
      Instant end = t0.plus(STEP.multipliedBy(3 * PER_PHASE));
      Instant lastWindow =
          Instant.ofEpochMilli((end.toEpochMilli() - 1) / WINDOW.toMillis() * WINDOW.toMillis());
      Map<Instant, Long> want =
          FinalReports.perWindow(feed.labelledTimes(0, 3 * PER_PHASE), WINDOW.toMillis());
      Map<Instant, Long> got =
          FinalReports.labelledPerWindow(
              bootstrap, topics.calibrationReports().name(), lastWindow, end, PATIENCE);
      assertEquals(want, got, "labelled events per window in the final reports");

      assertEquals(KafkaStreams.State.RUNNING, monitor.state(), "the monitor runs");
      assertNull(scorer.failure(), "the scorer's failure");
      assertTrue(scorer.isRunning(), "the scorer runs");
      assertNull(trainer.failure(), "the trainer's failure");
      assertTrue(trainer.isRunning(), "the trainer runs");
    } finally {
      for (int i = running.size() - 1; i >= 0; i--) {
        running.get(i).close();
      }
      broker.close();
    }
  }

  private static EmbeddedKafkaBroker broker(int port, Path data) {
    return EmbeddedKafkaBroker.builder().optPort(port).optDataDir(data).build();
  }

  private MonitorSettings monitorSettings(String bootstrap, CalmonTopics topics) {
    MonitorConfig config =
        new MonitorConfig(
            WINDOW,
            WINDOW,
            Duration.ofSeconds(1),
            Duration.ofMillis(500),
            10,
            20,
            100,
            Duration.ofMinutes(5),
            // Never idle: windows close only when predictions and labels have both passed them.
            Duration.ofMinutes(10),
            Duration.ofSeconds(1),
            Map.of(),
            TextDivergenceRule.off(),
            ConfidenceLiftRule.off());
    return new MonitorSettings(
        bootstrap,
        KafkaClientConfig.none(),
        "calmon-bounce-monitor",
        topics,
        dir.resolve("monitor-state"),
        (short) 1,
        PARTITIONS,
        (short) 1,
        "127.0.0.1",
        0,
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        Duration.ofMillis(200),
        config);
  }

  /**
   * The trainer joins and encodes the labelled images; its min shots are out of reach, so it never
   * tunes a version of its own (that would only cost time here).
   */
  private static TrainerSettings trainerSettings(String bootstrap, CalmonTopics topics) {
    return TrainerSettings.builder()
        .setBootstrapServers(bootstrap)
        .setBackboneId("calmon-world-tiny")
        .optTopics(topics)
        .optShots(10_000)
        .optMinShots(10_000)
        .optPollTimeout(Duration.ofMillis(100))
        .build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
