package io.calmon.scorer;

import static org.junit.jupiter.api.Assertions.fail;

import io.calmon.clip.ClipModel;
import io.calmon.clip.prompt.ContextPrompts;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.TopicAdmin;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.signing.SigningKey;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producing inputs and reading outputs for the scorer's integration tests. */
final class ScorerKafka implements AutoCloseable {

  /** Long enough for a loaded build machine; a passing test never waits this long. */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  static final AvroCodec<ImageEvent> EVENTS = AvroCodec.of(ImageEvent.class);

  private static final Instant EVENT_TIME_BASE =
      Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);

  final String bootstrap;
  final CalmonTopics topics;
  private final KafkaProducer<String, byte[]> producer;

  /**
   * What the scorer tests' broker, embedded or container, sets: it checks retention every 100 ms
   * (every 5 min by default, from 30 s after start), so that records it would delete by time, such
   * as predictions of events older than retention.ms, vanish in every test that runs past that
   * point rather than by chance.
   */
  static final Map<String, String> BROKER_PROPERTIES =
      Map.of("log.retention.check.interval.ms", "100");

  ScorerKafka(String bootstrap) {
    this.bootstrap = bootstrap;
    this.topics = CalmonTopics.withPrefix("t" + UUID.randomUUID().toString().substring(0, 8) + "-");
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap, PATIENCE)) {
      admin.createAll(topics, 3, (short) 1);
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  void send(String topic, String key, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot send to " + topic, e);
    }
  }

  void publishClassSet(String deployment, long version, List<String> names) {
    ClassSet cs = new ClassSet(deployment, version, Instant.now(), names);
    send(topics.classSets().name(), deployment, AvroCodec.of(ClassSet.class).encode(cs));
  }

  /**
   * Sends an inline-image event at event time {@link #eventTime eventTime(i)}, with its {@link
   * DeploymentHeader} as {@code calmon produce} sends it.
   */
  void sendImage(String deployment, String id, byte[] png, int i) {
    byte[] value =
        EVENTS.encode(event(deployment, id, i).setImageBytes(ByteBuffer.wrap(png)).build());
    try {
      producer
          .send(
              new ProducerRecord<>(
                  topics.imageEvents().name(),
                  null,
                  null,
                  id,
                  value,
                  DeploymentHeader.of(deployment)))
          .get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot send to " + topics.imageEvents().name(), e);
    }
  }

  void sendUri(String deployment, String id, String uri, int i) {
    send(
        topics.imageEvents().name(),
        id,
        EVENTS.encode(event(deployment, id, i).setImageUri(uri).build()));
  }

  /**
   * An hour before this class was loaded, plus {@code i} seconds. Never a fixed date: predictions
   * carry the event time as their record timestamp, and the broker's time-based retention (7 days
   * by default) deletes a partition's records that are all older than that, even fresh ones of a
   * transaction not yet committed (see docs/KAFKA.md, "Record timestamps and retention").
   */
  static Instant eventTime(int i) {
    return EVENT_TIME_BASE.plusSeconds(i);
  }

  private static ImageEvent.Builder event(String deployment, String id, int i) {
    return ImageEvent.newBuilder()
        .setEventId(id)
        .setEventTime(eventTime(i))
        .setDeployment(deployment)
        .setContentType("image/png");
  }

  /** A deterministic noisy PNG, {@code side x side}. */
  /**
   * A prompt version of deployment "shop" with CoOp's "a photo of a" context, declared {@code
   * ctxDim} wide, tuned on the weights {@code sha}, signed by {@link SigningKey#inProcess()} (which
   * scorers built with the default settings trust).
   */
  static byte[] prompt(ClipModel clip, long version, String sha, int ctxDim) {
    PromptVersion p = SigningKey.inProcess().sign(unsignedPrompt(clip, version, sha, ctxDim));
    return AvroCodec.of(PromptVersion.class).encode(p);
  }

  /** {@link #prompt} without a signature. */
  static PromptVersion unsignedPrompt(ClipModel clip, long version, String sha, int ctxDim) {
    float[] ctx = ContextPrompts.initialContext(clip, "a photo of a", 4);
    List<Float> values = new ArrayList<>(ctx.length);
    for (float v : ctx) {
      values.add(v);
    }
    PromptVersion p =
        PromptVersion.newBuilder()
            .setDeployment("shop")
            .setVersion(version)
            .setCreatedAt(Instant.now())
            .setMethod("coop")
            .setBackboneId("calmon-golden-tiny")
            .setWeightsSha256(sha)
            .setTemplate("a photo of a {}.")
            .setNCtx(4)
            .setCtxDim(ctxDim)
            .setContextVectors(values)
            .setBaseClasses(List.of("cat", "dog", "bird"))
            .build();
    return p;
  }

  static byte[] png(int side, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    int base = random.nextInt(0xFFFFFF);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        image.setRGB(x, y, (base + random.nextInt(0x202020)) & 0xFFFFFF);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The committed records of {@code topic}: read from the beginning until at least {@code expected}
   * arrived and the reader is at the topic's last stable offset, re-checked then (so duplicates
   * committed by then are counted too). Commit markers are written after {@code
   * commitTransaction()} returns, so a single look at the end offsets could miss the last
   * transaction. A reader that gives up says why records may be missing: each partition's log start
   * offset, last stable offset, high watermark and open transactions, and what new readers see.
   */
  List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic, PATIENCE).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .collect(Collectors.toList());
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(100)).forEach(out::add);
        if (out.size() >= expected) {
          Map<TopicPartition, Long> ends = c.endOffsets(parts);
          if (parts.stream().allMatch(tp -> c.position(tp) >= ends.get(tp))) {
            return out;
          }
        }
      }
      Map<TopicPartition, Long> positions = new TreeMap<>(Comparator.comparing(Object::toString));
      parts.forEach(tp -> positions.put(tp, c.position(tp)));
      fail(
          "read "
              + out.size()
              + " of at least "
              + expected
              + " records from "
              + topic
              + "; positions "
              + positions
              + ", "
              + stability(parts, c.endOffsets(parts))
              + "; a new read_uncommitted reader also sees "
              + unread(topic, "read_uncommitted", out)
              + "; a new read_committed reader also sees "
              + unread(topic, "read_committed", out));
    }
    return out;
  }

  /**
   * The records of {@code topic} (key@partition:offset) that a new reader at {@code isolation} sees
   * beyond {@code read}.
   */
  private List<String> unread(
      String topic, String isolation, List<ConsumerRecord<String, byte[]>> read) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<String> keys = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic, PATIENCE).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline
          && !parts.stream().allMatch(tp -> c.position(tp) >= ends.get(tp))) {
        c.poll(Duration.ofMillis(100))
            .forEach(r -> keys.add(r.key() + "@" + r.partition() + ":" + r.offset()));
      }
    }
    Set<String> committed =
        read.stream()
            .map(r -> r.key() + "@" + r.partition() + ":" + r.offset())
            .collect(Collectors.toSet());
    keys.removeAll(committed);
    return keys;
  }

  /**
   * Why records may be missing: per partition, the log start offset (above 0 when retention deleted
   * records), the last stable offset, the high watermark and the producers with a transaction open
   * there (id, epoch, the offset their transaction started at).
   */
  private String stability(List<TopicPartition> parts, Map<TopicPartition, Long> stable) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, ListOffsetsResultInfo> starts =
          admin
              .listOffsets(
                  parts.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.earliest())))
              .all()
              .get();
      Map<TopicPartition, ListOffsetsResultInfo> highs =
          admin
              .listOffsets(
                  parts.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
              .all()
              .get();
      Map<TopicPartition, PartitionProducerState> producers =
          admin.describeProducers(parts).all().get();
      StringBuilder b = new StringBuilder();
      for (TopicPartition tp : parts) {
        b.append(tp)
            .append(": start ")
            .append(starts.get(tp).offset())
            .append(", stable ")
            .append(stable.get(tp))
            .append(", high ")
            .append(highs.get(tp).offset())
            .append(", open transactions ")
            .append(
                producers.get(tp).activeProducers().stream()
                    .filter(s -> s.currentTransactionStartOffset().isPresent())
                    .map(
                        s ->
                            "producer "
                                + s.producerId()
                                + " epoch "
                                + s.producerEpoch()
                                + " from offset "
                                + s.currentTransactionStartOffset().getAsLong())
                    .toList())
            .append("; ");
      }
      try {
        b.append("transactions ")
            .append(
                admin.listTransactions().all().get().stream()
                    .map(t -> t.transactionalId() + "=" + t.state() + "/" + t.producerId())
                    .toList());
      } catch (ExecutionException e) {
        b.append("transactions not listed: ").append(e.getCause());
      }
      return b.toString();
    } catch (ExecutionException e) {
      return "partition state unknown: " + e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "partition state unknown: interrupted";
    }
  }

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@link #PATIENCE}. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
