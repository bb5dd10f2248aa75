package io.calmon.cli.bench;

import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.clip.ClipModel;
import io.calmon.clip.image.ImagePreprocessor;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.TopicAdmin;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.scorer.DeploymentHeader;
import io.calmon.scorer.PredictionBuilder;
import io.calmon.scorer.ScorerConfig;
import io.calmon.scorer.ScorerMetrics;
import io.calmon.scorer.ScorerService;
import io.calmon.scorer.ScoringContext;
import io.calmon.scorer.ScoringContextCompiler;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code calmon bench scorer}: images/s through Kafka (embedded broker, one scorer instance,
 * exactly-once transactions) against the model alone on the same images in the same run, then
 * latency from event time to a prediction visible to a {@code read_committed} consumer at a fixed
 * fraction of the measured throughput. Broker, scorer and load generator share this JVM and its
 * cores, as in {@code calmon demo}.
 */
public final class ScorerBenchmark {

  private static final List<String> CLASSES =
      List.of("cat", "dog", "bird", "car", "red", "blue", "tree", "house");

  private final PrintWriter out;
  private final Path modelDir;
  private final int images;
  private final int batchSize;
  private final double load;
  private final Duration latencyRun;
  private final Duration maxWait;
  private final Duration commitInterval;
  private final int decodeThreads;

  /**
   * @param images images per throughput measurement
   * @param load offered rate for the latency run, as a fraction of the measured throughput
   * @param maxWait the scorer's {@link ScorerConfig#maxWait()}
   * @param commitInterval the scorer's {@link ScorerConfig#commitInterval()}
   * @param decodeThreads the scorer's {@link ScorerConfig#decodeThreads()}
   */
  public ScorerBenchmark(
      PrintWriter out,
      Path modelDir,
      int images,
      int batchSize,
      double load,
      Duration latencyRun,
      Duration maxWait,
      Duration commitInterval,
      int decodeThreads) {
    this.out = out;
    this.modelDir = modelDir;
    this.images = images;
    this.batchSize = batchSize;
    this.load = load;
    this.latencyRun = latencyRun;
    this.maxWait = maxWait;
    this.commitInterval = commitInterval;
    this.decodeThreads = decodeThreads;
  }

  public void run() throws Exception {
    try (ClipModel clip = ClipModel.load(modelDir);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
      int side = clip.config().vision().imageSize();
      List<byte[]> pngs = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        pngs.add(png(side, i));
      }
      CpuMeter.Use aloneCpu = modelAlone(clip, pngs);
      double alone = images / aloneCpu.wallSeconds();
      CalmonTopics topics = CalmonTopics.withPrefix("bench-");
      try (TopicAdmin admin =
          TopicAdmin.connect(broker.bootstrapServers(), Duration.ofSeconds(30))) {
        admin.createAll(topics, 3, (short) 1);
      }
      ScorerConfig config =
          ScorerConfig.builder()
              .setBootstrapServers(broker.bootstrapServers())
              .optTopics(topics)
              .optDeployment("bench")
              .optBatchSize(batchSize)
              .optMaxWait(maxWait)
              .optCommitInterval(commitInterval)
              .optDecodeThreads(decodeThreads)
              .build();
      try (KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers());
          ScorerService scorer = new ScorerService(config, clip)) {
        ClassSet cs = new ClassSet("bench", 1L, Instant.now(), CLASSES);
        producer.send(
            new ProducerRecord<>(
                topics.classSets().name(),
                "bench".getBytes(StandardCharsets.UTF_8),
                AvroCodec.of(ClassSet.class).encode(cs)));
        scorer.start();
        // An unmeasured burst as large as the measured one, then until the JIT compilers are
        // quiet: a short run otherwise measures the compiler as much as the scorer.
        int warm = images;
        sendBurst(producer, topics, pngs, 0, warm);
        awaitPredictions(scorer, warm);
        CpuMeter.awaitQuietCompilers(Duration.ofSeconds(30));
        CpuMeter meter = CpuMeter.start();
        sendBurst(producer, topics, pngs, warm, images);
        awaitPredictions(scorer, warm + images);
        CpuMeter.Use endToEndCpu = meter.stop();
        double endToEnd = images / endToEndCpu.wallSeconds();
        double rate = Math.max(1, load * endToEnd);
        double[] latencies = latency(producer, topics, pngs, broker.bootstrapServers(), rate);
        CpuMeter.Use aloneAfterCpu = modelAlone(clip, pngs);
        double aloneAfter = images / aloneAfterCpu.wallSeconds();
        report(clip, alone, aloneAfter, endToEnd, rate, latencies, scorer.metrics());
        reportCpu(aloneAfterCpu, endToEndCpu);
      }
    }
  }

  /**
   * Decode + preprocess + image encoder + logits + prediction record, batched, no Kafka: the CPU
   * use of the second of two passes over {@code images} (the first warms up).
   */
  private CpuMeter.Use modelAlone(ClipModel clip, List<byte[]> pngs) {
    ScoringContext ctx =
        new ScoringContextCompiler(clip, ScorerConfig.DEFAULT_TEMPLATE)
            .zeroShot(new ClassSet("bench", 1L, Instant.now(), CLASSES));
    ImagePreprocessor pre = new ImagePreprocessor(clip.config().vision().imageSize());
    PredictionBuilder builder = new PredictionBuilder(5, 64, "bench");
    ImageEvent event = ImageEvent.newBuilder().setEventId("x").setEventTime(Instant.now()).build();
    int rounds = 2; // the first warms up
    CpuMeter.Use use = null;
    for (int round = 0; round < rounds; round++) {
      CpuMeter meter = CpuMeter.start();
      for (int start = 0; start < images; start += batchSize) {
        List<float[]> pixels = new ArrayList<>();
        for (int i = start; i < Math.min(images, start + batchSize); i++) {
          pixels.add(pre.preprocess(pngs.get(i % pngs.size())));
        }
        float[][] features = clip.imageFeatures(pixels);
        float[][] logits = ctx.logits(features);
        float[][] zeroShotLogits = ctx.zeroShotLogits(features, logits);
        for (int i = 0; i < logits.length; i++) {
          builder.build(event, ctx, logits[i], zeroShotLogits[i], Instant.now());
        }
      }
      use = meter.stop();
    }
    return use;
  }

  private double[] latency(
      KafkaProducer<byte[], byte[]> producer,
      CalmonTopics topics,
      List<byte[]> pngs,
      String bootstrap,
      double rate)
      throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-reader");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    List<Double> latencies = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> reader =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      reader.subscribe(List.of(topics.predictions().name()));
      while (reader.assignment().isEmpty()) {
        reader.poll(Duration.ofMillis(50));
      }
      reader.seekToEnd(reader.assignment());
      reader.assignment().forEach(reader::position); // resolve "end" before sending
      int total = (int) Math.ceil(rate * latencyRun.toMillis() / 1000.0);
      long start = System.nanoTime();
      long periodNanos = (long) (1e9 / rate);
      int sent = 0;
      long deadline = start + latencyRun.toNanos() + Duration.ofSeconds(30).toNanos();
      while (latencies.size() < total && System.nanoTime() < deadline) {
        while (sent < total && System.nanoTime() >= start + sent * periodNanos) {
          send(producer, topics, pngs, 1_000_000 + sent, Instant.now());
          sent++;
        }
        producer.flush();
        for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(1))) {
          latencies.add((double) (System.currentTimeMillis() - r.timestamp()));
        }
      }
    }
    double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return sorted;
  }

  private void report(
      ClipModel clip,
      double alone,
      double aloneAfter,
      double endToEnd,
      double rate,
      double[] latencies,
      ScorerMetrics metrics) {
    out.printf(
        Locale.ROOT,
        "model: %s (image %d px), batch size %d, %d classes, %d images per measurement%n",
        modelDir,
        clip.config().vision().imageSize(),
        batchSize,
        CLASSES.size(),
        images);
    out.printf(
        Locale.ROOT,
        "scorer: max wait %d ms, commit interval %d ms, %d decode threads; %d cores%n",
        maxWait.toMillis(),
        commitInterval.toMillis(),
        decodeThreads,
        Runtime.getRuntime().availableProcessors());
    out.printf(
        Locale.ROOT,
        "model alone (decode, preprocess, encode, logits, record): %s images/s before the Kafka"
            + " runs, %s after%n",
        imagesPerSecond(alone),
        imagesPerSecond(aloneAfter));
    out.printf(
        Locale.ROOT,
        "end to end through Kafka (exactly once, 1 scorer, 3 partitions): %s images/s (%.0f%% of"
            + " the better model-alone figure)%n",
        imagesPerSecond(endToEnd),
        100 * endToEnd / Math.max(alone, aloneAfter));
    out.printf(
        Locale.ROOT,
        "latency event time -> read_committed prediction at %s images/s (%.0f%% of end to end),"
            + " %d events: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        imagesPerSecond(rate),
        100 * load,
        latencies.length,
        quantile(latencies, 0.5),
        quantile(latencies, 0.99),
        latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1]);
    long bound = maxWait.toMillis() + commitInterval.toMillis() + 100;
    out.printf(
        Locale.ROOT,
        "p99 against max wait + commit interval + 100 ms = %d ms: %s%n",
        bound,
        quantile(latencies, 0.99) <= bound ? "within" : "over");
    out.printf(Locale.ROOT, "scorer metrics: %s%n", metrics.snapshot());
    out.flush();
  }

  /**
   * The CPU each image costs alone and end to end, and what that allows: where the model alone
   * already keeps every core busy, end to end can reach at most its CPU per image over the end to
   * end CPU per image (the rest goes to the broker, the load generator and the Kafka clients, all
   * in this process).
   */
  private void reportCpu(CpuMeter.Use alone, CpuMeter.Use endToEnd) {
    double aloneMs = 1e3 * alone.processSeconds() / images;
    double endToEndMs = 1e3 * endToEnd.processSeconds() / images;
    out.printf(
        Locale.ROOT,
        "CPU per image: model alone %.2f ms (%.1f of %d cores busy), end to end %.2f ms (%.1f"
            + " busy; JIT compilers %.2f s of the pass); where the model alone fills the cores, end"
            + " to end can reach at most %.0f%% of it on this machine%n",
        aloneMs,
        alone.processSeconds() / alone.wallSeconds(),
        alone.cores(),
        endToEndMs,
        endToEnd.processSeconds() / endToEnd.wallSeconds(),
        endToEnd.jitSeconds(),
        100 * aloneMs / endToEndMs);
    out.flush();
  }

  /** A rate with a decimal where whole images per second would be coarse (a ViT on a CPU). */
  static String imagesPerSecond(double rate) {
    return String.format(Locale.ROOT, rate < 100 ? "%.1f" : "%.0f", rate);
  }

  private static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static void awaitPredictions(ScorerService scorer, long n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (scorer.metrics().predictionsOut() < n) {
      if (System.nanoTime() > deadline || !scorer.isRunning()) {
        throw new IllegalStateException(
            "scorer produced " + scorer.metrics().predictionsOut() + " of " + n + " predictions");
      }
      Thread.sleep(5);
    }
  }

  private static void sendBurst(
      KafkaProducer<byte[], byte[]> producer,
      CalmonTopics topics,
      List<byte[]> pngs,
      int from,
      int count) {
    for (int i = from; i < from + count; i++) {
      send(producer, topics, pngs, i, Instant.now());
    }
    producer.flush();
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer,
      CalmonTopics topics,
      List<byte[]> pngs,
      int i,
      Instant eventTime) {
    ImageEvent e =
        ImageEvent.newBuilder()
            .setEventId("b-" + i)
            .setEventTime(eventTime)
            .setDeployment("bench")
            .setImageBytes(ByteBuffer.wrap(pngs.get(i % pngs.size())))
            .build();
    producer.send(
        new ProducerRecord<>(
            topics.imageEvents().name(),
            null,
            null,
            e.getEventId().getBytes(StandardCharsets.UTF_8),
            AvroCodec.of(ImageEvent.class).encode(e),
            DeploymentHeader.of("bench")));
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static byte[] png(int side, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        image.setRGB(x, y, random.nextInt(0xFFFFFF));
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
