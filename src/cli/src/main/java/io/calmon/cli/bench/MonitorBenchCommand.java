package io.calmon.cli.bench;

import io.calmon.cli.CliKafka;
import io.calmon.cli.UserError;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.EmbeddedKafkaBroker;
import io.calmon.kafka.TopicAdmin;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.kafka.service.LayeredConfig;
import io.calmon.monitor.MonitorService;
import io.calmon.monitor.MonitorSettings;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.ClassProbability;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code calmon bench monitor}: events per second (predictions + labels) through the monitor on the
 * embedded broker, next to the bound measured in the same run: a plain consumer reading the same
 * topics from start to end (no decoding, no state, no transactions).
 */
final class MonitorBenchCommand {

  private MonitorBenchCommand() {}

  /** The monitor benchmark. */
  @Command(
      name = "monitor",
      mixinStandardHelpOptions = true,
      description = {
        "Events/s (predictions + labels) through the monitor vs a plain consumer of the same topics.",
        "Starts its own broker; topics have one partition (one stream task)."
      })
  static final class Monitor implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--events",
        defaultValue = "50000",
        description = "Predictions (and as many labels).")
    int events;

    @Option(
        names = "--commit-interval",
        defaultValue = "100ms",
        description = "The monitor's commit interval (default: ${DEFAULT-VALUE}).")
    String commitInterval;

    @Option(
        names = "--streams-property",
        paramLabel = "KEY=VALUE",
        description = "Extra Kafka Streams property for the monitor (repeatable).")
    Map<String, String> streamsProperties = new java.util.LinkedHashMap<>();

    @Option(names = "--seed", defaultValue = "7", description = "Traffic seed.")
    long seed;

    @Override
    public Integer call() throws Exception {
      if (events < 1) {
        throw new UserError("--events must be at least 1, got " + events);
      }
      PrintWriter out = spec.commandLine().getOut();
      Path state = Files.createTempDirectory("calmon-bench-state");
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
        String bootstrap = broker.bootstrapServers();
        CalmonTopics topics = CalmonTopics.withPrefix("bench-");
        try (TopicAdmin admin = TopicAdmin.connect(bootstrap, TopicAdmin.DEFAULT_TIMEOUT)) {
          admin.createAll(topics, 1, (short) 1);
        }
        long produceStart = System.nanoTime();
        produce(bootstrap, topics);
        double produceSeconds = seconds(produceStart);

        long readStart = System.nanoTime();
        long read = readAll(bootstrap, topics);
        double readSeconds = seconds(readStart);

        LayeredConfig config =
            MonitorSettings.definitions()
                .flag("bootstrap-servers", bootstrap)
                .flag("prefix", topics.prefix())
                .flag("state-dir", state.toString())
                .flag("window-size", "1m")
                .flag("window-advance", "1m")
                .flag("label-delay", "10s")
                .flag("grace", "1s")
                .flag("commit-interval", commitInterval)
                .build();
        long total = 2L * events;
        double monitorSeconds;
        try (MonitorService service =
            new MonitorService(MonitorSettings.from(config), Map.copyOf(streamsProperties))) {
          long monitorStart = System.nanoTime();
          service.start();
          while (service.counters().predictions() + service.counters().labels() < total) {
            Thread.sleep(20);
          }
          monitorSeconds = seconds(monitorStart);
        }
        double bound = read / readSeconds;
        double monitor = total / monitorSeconds;
        out.printf(
            Locale.ROOT,
            "produced %d predictions + %d labels in %.1f s%n"
                + "plain consumer (bound): %d records in %.2f s = %.0f events/s%n"
                + "monitor (start to all input processed, exactly_once_v2, commit interval %s): %d events in"
                + " %.2f s ="
                + " %.0f events/s%n"
                + "ratio monitor/bound: %.3f%n",
            events,
            events,
            produceSeconds,
            read,
            readSeconds,
            bound,
            commitInterval,
            total,
            monitorSeconds,
            monitor,
            monitor / bound);
        out.flush();
      }
      return 0;
    }

    /** Predictions spread over 20 minutes of event time, each labelled 5 s later. */
    private void produce(String bootstrap, CalmonTopics topics) {
      SplittableRandom random = new SplittableRandom(seed);
      Instant t0 = Instant.now().minus(Duration.ofMinutes(30));
      AvroSerde<Prediction> predictions = AvroSerde.of(Prediction.class);
      AvroSerde<Label> labels = AvroSerde.of(Label.class);
      List<String> classes = List.of("cat", "dog", "fox", "owl");
      try (KafkaProducer<String, byte[]> producer = CliKafka.producer(bootstrap)) {
        for (int i = 0; i < events; i++) {
          String id = "e" + i;
          Instant eventTime = t0.plusMillis(i * 1_200_000L / events);
          String predicted = classes.get(random.nextInt(classes.size()));
          double confidence = 0.25 + 0.75 * random.nextDouble();
          Prediction p =
              Prediction.newBuilder()
                  .setEventId(id)
                  .setEventTime(eventTime)
                  .setScoredAt(eventTime)
                  .setPromptVersion(1)
                  .setClassSetVersion(1)
                  .setPredictedClass(predicted)
                  .setConfidence(confidence)
                  .setGroup(random.nextBoolean() ? CalibrationGroup.BASE : CalibrationGroup.NEW)
                  .setTopK(List.of(new ClassProbability(predicted, confidence)))
                  .setEntropy(1.0)
                  .setScorerId("bench")
                  .build();
          String truth = random.nextDouble() < confidence ? predicted : classes.get(0);
          Instant labelledAt = eventTime.plusSeconds(5);
          Label label =
              Label.newBuilder()
                  .setEventId(id)
                  .setTrueClass(truth)
                  .setLabelledAt(labelledAt)
                  .build();
          producer.send(
              new ProducerRecord<>(
                  topics.predictions().name(),
                  null,
                  eventTime.toEpochMilli(),
                  id,
                  predictions.serialize(null, p)));
          producer.send(
              new ProducerRecord<>(
                  topics.labels().name(),
                  null,
                  labelledAt.toEpochMilli(),
                  id,
                  labels.serialize(null, label)));
        }
        producer.flush();
      }
    }

    /** The bound: one consumer reads both topics to their end, bytes only. */
    private static long readAll(String bootstrap, CalmonTopics topics) {
      try (KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(
              Map.of(
                  "bootstrap.servers",
                  bootstrap,
                  "enable.auto.commit",
                  false,
                  "max.poll.records",
                  1000),
              new org.apache.kafka.common.serialization.StringDeserializer(),
              new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
        List<TopicPartition> partitions =
            List.of(
                new TopicPartition(topics.predictions().name(), 0),
                new TopicPartition(topics.labels().name(), 0));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long read = 0;
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
          read += consumer.poll(Duration.ofMillis(200)).count();
        }
        return read;
      }
    }

    private static double seconds(long startNanos) {
      return (System.nanoTime() - startNanos) / 1e9;
    }
  }
}
