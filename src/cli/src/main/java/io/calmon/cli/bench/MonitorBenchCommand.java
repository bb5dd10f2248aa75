package io.calmon.cli.bench;

import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.cli.CliKafka;
import io.calmon.cli.DurationFlag;
import io.calmon.cli.UserError;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.TopicAdmin;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.monitor.MonitorService;
import io.calmon.monitor.MonitorSettings;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.ClassProbability;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.service.LayeredConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code calmon bench monitor}: a backlog of predictions and labels (20 minutes of event time by
 * default, each label 5 s after its event) written before the monitor starts, then read by the
 * monitor on the embedded broker: events per second (predictions + labels) next to the bound
 * measured in the same run, a plain consumer reading the same topics from start to end (no
 * decoding, no state, no transactions), and the share of the labelled events that the final reports
 * count.
 */
final class MonitorBenchCommand {

  private MonitorBenchCommand() {}

  /** The monitor benchmark. */
  @Command(
      name = "monitor",
      mixinStandardHelpOptions = true,
      description = {
        "Events/s (predictions + labels) through the monitor vs a plain consumer of the same topics,",
        "and the share of labelled events its final reports count. Starts its own broker."
      })
  static final class Monitor implements Callable<Integer> {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    /** Kafka Streams' processing threads ({@code <client id>-StreamThread-<n>}). */
    private static final Pattern STREAM_THREAD = Pattern.compile(".*-StreamThread-\\d+");

    /** Classes served, as in the demo's deployment: each prediction carries all their scores. */
    private static final int CLASSES = 40;

    @Spec CommandSpec spec;

    @Option(
        names = "--events",
        defaultValue = "50000",
        description = "Predictions (and as many labels).")
    int events;

    @Option(
        names = "--partitions",
        defaultValue = "1",
        description = "Partitions of the input topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
        names = "--instances",
        defaultValue = "1",
        description = "Monitor instances in this process (default: ${DEFAULT-VALUE}).")
    int instances;

    @Option(
        names = "--stream-threads",
        defaultValue = "1",
        description = "Stream threads per instance (default: ${DEFAULT-VALUE}).")
    int streamThreads;

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

    @Option(
        names = "--warmup-events",
        defaultValue = "60000",
        description =
            "Predictions (and as many labels) of a first, unmeasured pass on other topics, so that"
                + " the measured pass runs compiled code (default: ${DEFAULT-VALUE}; 0: none).")
    int warmupEvents;

    @Option(
        names = "--span",
        defaultValue = "20m",
        description =
            "Event time the backlog covers, in 1-minute windows (default: ${DEFAULT-VALUE}); more"
                + " --events over a longer span keep the events per window, for a longer pass.")
    String span;

    @Option(names = "--seed", defaultValue = "7", description = "Traffic seed.")
    long seed;

    private Duration spanned;

    @Override
    public Integer call() throws Exception {
      requireAtLeast("--events", events, 1);
      requireAtLeast("--partitions", partitions, 1);
      requireAtLeast("--instances", instances, 1);
      requireAtLeast("--stream-threads", streamThreads, 1);
      requireAtLeast("--warmup-events", warmupEvents, 0);
      spanned = DurationFlag.parse("--span", span);
      if (spanned.compareTo(WINDOW) < 0
          || !spanned.equals(WINDOW.multipliedBy(spanned.dividedBy(WINDOW)))) {
        throw new UserError("--span must be a whole number of minutes, got " + span);
      }
      PrintWriter out = spec.commandLine().getOut();
      Path state = Files.createTempDirectory("calmon-bench-state");
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
        String bootstrap = broker.bootstrapServers();
        if (warmupEvents > 0) {
          Run warmup = run(bootstrap, state, "warmup-", warmupEvents);
          double waited = CpuMeter.awaitQuietCompilers(Duration.ofSeconds(60));
          out.printf(
              Locale.ROOT,
              "warm-up (not measured: the JIT compiles the monitor's and the consumer's paths): %d"
                  + " predictions + %d labels on warmup-* topics, %.0f events/s; then %.0f s until"
                  + " the JIT compilers were quiet%n",
              warmupEvents,
              warmupEvents,
              warmup.monitorRate(),
              waited);
        }
        Run measured = run(bootstrap, state, "bench-", events);
        out.printf(
            Locale.ROOT,
            "produced %d predictions + %d labels (+ %d closing records) in %.1f s on %d partition(s)%n"
                + "plain consumer (bound): %d records in %.2f s = %.0f events/s from start"
                + " (%.0f events/s once reading)%n"
                + "decoding consumer (bound: the same, decoding every record as the monitor does):"
                + " %.0f events/s once reading%n"
                + "monitor (%d instance(s) x %d stream thread(s), exactly_once_v2, commit interval"
                + " %s): %d records in %.2f s = %.0f events/s from start; first read after %.2f s,"
                + " then %.0f events/s; final reports complete after %.2f s%n"
                + "ratio monitor/bound: %.3f from start (%.3f once reading); monitor/decoding"
                + " consumer %.3f once reading%n"
                + "labelled events counted by the final reports: %d of %d (%.4f)%n"
                + "%s%n",
            events,
            events,
            measured.inputRecords() - 2L * events,
            measured.produceSeconds(),
            partitions,
            measured.read().records(),
            measured.read().totalSeconds(),
            measured.bound(),
            measured.read().rateOnceReading(),
            measured.decoding().rateOnceReading(),
            instances,
            streamThreads,
            commitInterval,
            measured.inputRecords(),
            measured.monitorSeconds(),
            measured.monitorRateFromStart(),
            measured.startSeconds(),
            measured.monitorRate(),
            measured.completeSeconds(),
            measured.monitorRateFromStart() / measured.bound(),
            measured.monitorRate() / measured.read().rateOnceReading(),
            measured.monitorRate() / measured.decoding().rateOnceReading(),
            measured.counted(),
            events,
            (double) measured.counted() / events,
            measured.cpu().describe("stream thread(s)")
                + String.format(
                    Locale.ROOT,
                    "; %.1f us of stream-thread CPU per input record",
                    1e6 * measured.cpu().workerSeconds() / measured.inputRecords()));
        out.flush();
      }
      return 0;
    }

    /** One measured pass: numbers of a backlog on topics with {@code prefix}. */
    record Run(
        long inputRecords,
        double produceSeconds,
        Reading read,
        Reading decoding,
        double startSeconds,
        double monitorSeconds,
        double monitorRate,
        double completeSeconds,
        long counted,
        CpuMeter.Use cpu) {
      double bound() {
        return read.rate();
      }

      double monitorRateFromStart() {
        return inputRecords / monitorSeconds;
      }
    }

    private Run run(String bootstrap, Path state, String prefix, int events) throws Exception {
      CalmonTopics topics = CalmonTopics.withPrefix(prefix);
      try (TopicAdmin admin = TopicAdmin.connect(bootstrap, TopicAdmin.DEFAULT_TIMEOUT)) {
        admin.createAll(topics, partitions, (short) 1);
      }
      long produceStart = System.nanoTime();
      long inputRecords = produce(bootstrap, topics, events);
      double produceSeconds = seconds(produceStart);

      Reading read = readAll(bootstrap, topics, false);
      Reading decoding = readAll(bootstrap, topics, true);

      Map<String, Object> overrides = new java.util.HashMap<>(streamsProperties);
      overrides.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
      List<MonitorService> monitors = new ArrayList<>();
      double monitorSeconds;
      double startSeconds;
      long readAtStart = 0;
      double completeSeconds;
      long counted;
      CpuMeter.Use cpu;
      try {
        long monitorStart = System.nanoTime();
        CpuMeter meter = CpuMeter.start();
        for (int i = 0; i < instances; i++) {
          monitors.add(
              new MonitorService(
                      MonitorSettings.from(settings(bootstrap, topics, state.resolve(prefix + i))),
                      overrides)
                  .start());
        }
        long firstRead = 0;
        long readSoFar;
        while ((readSoFar =
                monitors.stream()
                    .mapToLong(m -> m.counters().predictions() + m.counters().labels())
                    .sum())
            < inputRecords) {
          if (firstRead == 0 && readSoFar > 0) {
            firstRead = System.nanoTime();
            readAtStart = readSoFar;
          }
          Thread.sleep(5);
        }
        monitorSeconds = seconds(monitorStart);
        cpu = meter.stop(name -> STREAM_THREAD.matcher(name).matches());
        startSeconds = firstRead == 0 ? monitorSeconds : (firstRead - monitorStart) / 1e9;
        counted = labelledInFinalReports(bootstrap, topics);
        completeSeconds = seconds(monitorStart);
      } finally {
        monitors.forEach(MonitorService::stop);
      }
      return new Run(
          inputRecords,
          produceSeconds,
          read,
          decoding,
          startSeconds,
          monitorSeconds,
          readAtStart == inputRecords
              ? inputRecords / monitorSeconds
              : (inputRecords - readAtStart) / Math.max(monitorSeconds - startSeconds, 1e-3),
          completeSeconds,
          counted,
          cpu);
    }

    private static void requireAtLeast(String flag, int value, int least) {
      if (value < least) {
        throw new UserError(flag + " must be at least " + least + ", got " + value);
      }
    }

    private LayeredConfig settings(String bootstrap, CalmonTopics topics, Path stateDir) {
      return MonitorSettings.definitions()
          .flag("bootstrap-servers", bootstrap)
          .flag("prefix", topics.prefix())
          .flag("state-dir", stateDir.toString())
          .flag("window-size", "1m")
          .flag("window-advance", "1m")
          .flag("label-delay", "10s")
          .flag("grace", "5s")
          .flag("commit-interval", commitInterval)
          .build();
    }

    /**
     * The labelled events that the final ALL reports count, once every window of the backlog has a
     * final report (or nothing new has come for 60 s).
     */
    private long labelledInFinalReports(String bootstrap, CalmonTopics topics)
        throws InterruptedException {
      AvroSerde<CalibrationReport> serde = AvroSerde.of(CalibrationReport.class);
      long windows = spanned.dividedBy(WINDOW);
      int seen = -1;
      long lastChange = System.nanoTime();
      while (true) {
        Map<Instant, Long> byWindow = new HashMap<>();
        CliKafka.readToEnd(
            bootstrap,
            topics.calibrationReports().name(),
            record -> {
              CalibrationReport report = serde.deserialize(null, record.value());
              if (report.getFinal$()
                  && report.getGroup() == CalibrationGroup.ALL
                  && report.getPromptVersion() == 1) {
                byWindow.merge(report.getWindowStart(), report.getLabelledCount(), Long::sum);
              }
            });
        long counted = byWindow.values().stream().mapToLong(Long::longValue).sum();
        if (byWindow.size() >= windows) {
          return counted;
        }
        if (byWindow.size() > seen) {
          seen = byWindow.size();
          lastChange = System.nanoTime();
        } else if (seconds(lastChange) >= 60) {
          return counted;
        }
        Thread.sleep(200);
      }
    }

    /**
     * Predictions spread over {@code --span} of event time, each labelled 5 s later, then one
     * prediction and one label on every partition 2 minutes after the last event, which close every
     * window.
     *
     * @return the records written
     */
    private long produce(String bootstrap, CalmonTopics topics, int events) {
      SplittableRandom random = new SplittableRandom(seed);
      Instant t0 =
          Instant.ofEpochMilli(
              Instant.now().minus(spanned).minus(Duration.ofMinutes(10)).toEpochMilli()
                  / WINDOW.toMillis()
                  * WINDOW.toMillis());
      AvroSerde<Prediction> predictions = AvroSerde.of(Prediction.class);
      AvroSerde<Label> labels = AvroSerde.of(Label.class);
      List<String> classes = new ArrayList<>();
      for (int c = 0; c < CLASSES; c++) {
        classes.add("class-" + c);
      }
      AtomicReference<Exception> refused = new AtomicReference<>();
      Callback check = (metadata, e) -> refused.compareAndSet(null, e);
      try (KafkaProducer<String, byte[]> producer = CliKafka.producer(bootstrap)) {
        for (int i = 0; i < events; i++) {
          String id = "e" + i;
          Instant eventTime = t0.plusMillis(i * spanned.toMillis() / events);
          int top = random.nextInt(classes.size());
          String predicted = classes.get(top);
          double confidence = 0.25 + 0.75 * random.nextDouble();
          List<Float> probabilities = probabilities(top, confidence);
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
                  .setTopK(topFive(classes, probabilities))
                  .setClassProbabilities(probabilities)
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
                  predictions.serialize(null, p)),
              check);
          producer.send(
              new ProducerRecord<>(
                  topics.labels().name(),
                  null,
                  labelledAt.toEpochMilli(),
                  id,
                  labels.serialize(null, label)),
              check);
        }
        Instant close = t0.plus(spanned).plus(Duration.ofMinutes(2));
        for (int p = 0; p < partitions; p++) {
          String id = "close-" + p;
          Prediction tick =
              Prediction.newBuilder()
                  .setEventId(id)
                  .setEventTime(close)
                  .setScoredAt(close)
                  .setPromptVersion(0)
                  .setClassSetVersion(1)
                  .setPredictedClass("class-0")
                  .setConfidence(0.5)
                  .setGroup(CalibrationGroup.BASE)
                  .setTopK(List.of(new ClassProbability("class-0", 0.5)))
                  .setEntropy(1.0)
                  .setScorerId("bench")
                  .build();
          Label tickLabel =
              Label.newBuilder()
                  .setEventId(id)
                  .setTrueClass("class-0")
                  .setLabelledAt(close)
                  .build();
          producer.send(
              new ProducerRecord<>(
                  topics.predictions().name(),
                  p,
                  close.toEpochMilli(),
                  id,
                  predictions.serialize(null, tick)),
              check);
          producer.send(
              new ProducerRecord<>(
                  topics.labels().name(),
                  p,
                  close.toEpochMilli(),
                  id,
                  labels.serialize(null, tickLabel)),
              check);
        }
        producer.flush();
      }
      if (refused.get() != null) {
        // A bench that waited for records the broker never took would wait for ever.
        throw new UserError(
            "the embedded broker refused part of the backlog ("
                + refused.get().getMessage()
                + "); run the benchmark again");
      }
      return 2L * events + 2L * partitions;
    }

    /**
     * A prediction as the scorer writes it: {@code confidence} on class {@code top}, the rest
     * spread evenly over the other classes.
     */
    private static List<Float> probabilities(int top, double confidence) {
      List<Float> probabilities = new ArrayList<>(CLASSES);
      float rest = (float) ((1 - confidence) / (CLASSES - 1));
      for (int c = 0; c < CLASSES; c++) {
        probabilities.add(c == top ? (float) confidence : rest);
      }
      return probabilities;
    }

    private static List<ClassProbability> topFive(List<String> classes, List<Float> probabilities) {
      List<Integer> order = new ArrayList<>();
      for (int c = 0; c < CLASSES; c++) {
        order.add(c);
      }
      order.sort((a, b) -> Float.compare(probabilities.get(b), probabilities.get(a)));
      List<ClassProbability> top = new ArrayList<>(5);
      for (int c : order.subList(0, 5)) {
        top.add(new ClassProbability(classes.get(c), (double) probabilities.get(c)));
      }
      return top;
    }

    /** The bound: one consumer reads both topics to their end, bytes only. */
    /**
     * Reads both topics from start to end with one plain consumer; with {@code decode}, also
     * decodes every value into its record (a prediction or a label), as the monitor must.
     */
    private static Reading readAll(String bootstrap, CalmonTopics topics, boolean decode) {
      AvroSerde<Prediction> predictions = AvroSerde.of(Prediction.class);
      AvroSerde<Label> labels = AvroSerde.of(Label.class);
      String predictionTopic = topics.predictions().name();
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
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.predictions().name(), topics.labels().name())) {
          consumer
              .partitionsFor(topic)
              .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        long start = System.nanoTime();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long read = 0;
        long firstRead = 0;
        long readAtStart = 0;
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
          var records = consumer.poll(Duration.ofMillis(200));
          read += records.count();
          if (decode) {
            for (var r : records) {
              if (r.topic().equals(predictionTopic)) {
                predictions.deserialize(r.topic(), r.value());
              } else {
                labels.deserialize(r.topic(), r.value());
              }
            }
          }
          if (firstRead == 0 && read > 0) {
            firstRead = System.nanoTime();
            readAtStart = read;
          }
        }
        return new Reading(read, seconds(start), read - readAtStart, seconds(firstRead));
      }
    }

    /**
     * What a plain consumer read: {@code records} in {@code totalSeconds} from its assignment to
     * the end, {@code afterFirst} of them in {@code seconds} after its first poll that returned
     * records.
     */
    record Reading(long records, double totalSeconds, long afterFirst, double seconds) {
      double rate() {
        return records / totalSeconds;
      }

      /** As {@link #rate()} when everything came with the first poll (a small backlog). */
      double rateOnceReading() {
        return afterFirst == 0 ? rate() : afterFirst / Math.max(seconds, 1e-3);
      }
    }

    private static double seconds(long startNanos) {
      return (System.nanoTime() - startNanos) / 1e9;
    }
  }
}
