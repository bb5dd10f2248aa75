package io.calmon.cli.faults;

import io.calmon.cli.CliKafka;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Label;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.scorer.DeploymentHeader;
import io.calmon.world.TrafficDrift;
import io.calmon.world.WorldClass;
import io.calmon.world.WorldConfig;
import io.calmon.world.WorldTask;
import io.calmon.world.WorldTraffic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * World traffic with event times chosen by the test, not by the wall clock: event {@code i} happens
 * at {@code t0 + i * step}, and its label (when it has one) is labelled {@code labelDelay} later
 * and sent right after the event. So the windows each event falls in, and the labels the monitor's
 * final reports must count, are known before anything runs, whatever the services' lag.
 *
 * <p>Windows close by event-time watermarks on every input partition; {@link #closeWindows} sends
 * one labelled event per partition far enough ahead that every window of the traffic closes.
 */
final class WorldFeed implements AutoCloseable {
  static final String DEPLOYMENT = "default";
  private static final AvroCodec<ImageEvent> EVENTS = AvroCodec.of(ImageEvent.class);
  private static final AvroCodec<Label> LABELS = AvroCodec.of(Label.class);

  private final KafkaProducer<String, byte[]> producer;
  private final CalmonTopics topics;
  private final WorldTask task;
  private final WorldTraffic traffic;
  private final Instant t0;
  private final Duration step;
  private final Duration labelDelay;
  private final double labelledShare;
  private final long seed;
  private final Set<String> events = new LinkedHashSet<>();
  private final Set<String> labelled = new LinkedHashSet<>();
  private Instant last;

  /**
   * @param t0 event time of event 0, at a window start
   * @param step event time between two events
   * @param labelDelay labelled-at minus event time (below the monitor's label delay + grace)
   * @param labelledShare share of events that get a label, decided from (seed, index)
   */
  WorldFeed(
      String bootstrap,
      KafkaClientConfig kafka,
      CalmonTopics topics,
      long seed,
      Instant t0,
      Duration step,
      Duration labelDelay,
      double labelledShare) {
    this.producer = CliKafka.producer(bootstrap, kafka);
    this.topics = topics;
    this.task = WorldTask.defaultTask(seed);
    this.traffic =
        new WorldTraffic(
            task, WorldConfig.defaults(), seed, TrafficDrift.none().withNewClassShare(0.5));
    this.t0 = t0;
    this.step = step;
    this.labelDelay = labelDelay;
    this.labelledShare = labelledShare;
    this.seed = seed;
    this.last = t0;
  }

  /** An idempotent producer (acks all), as the CLI's commands use. */
  static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return CliKafka.producer(bootstrap);
  }

  /** The task's class set (every class, base and new), as {@code calmon classes set} sends it. */
  ClassSet classSet() {
    return ClassSet.newBuilder()
        .setDeployment(DEPLOYMENT)
        .setVersion(1)
        .setCreatedAt(Instant.now())
        .setClassNames(task.classes().stream().map(WorldClass::name).toList())
        .build();
  }

  List<String> classNames() {
    return task.classes().stream().map(WorldClass::name).toList();
  }

  /** Sends events {@code from} (inclusive) to {@code to} (exclusive) with their labels. */
  void send(int from, int to) {
    for (int i = from; i < to; i++) {
      WorldTraffic.Event event = traffic.event(i);
      Instant time = t0.plus(step.multipliedBy(i));
      sendEvent(event.eventId(), event.png(), event.trueClass(), time, isLabelled(i));
    }
  }

  /**
   * One labelled event per input partition at {@code after} + {@code gap}: every window ending
   * {@code gap} (at least the window size + label delay + grace) before it closes.
   */
  void closeWindows(int partitions, Duration gap) {
    Instant at = last.plus(gap);
    WorldTraffic.Event image = traffic.event(1_000_000);
    for (int p = 0; p < partitions; p++) {
      sendEvent(
          keyOnPartition("close-" + seed, p, partitions), image.png(), image.trueClass(), at, true);
    }
    producer.flush();
  }

  /** The first key {@code prefix-n} that Kafka's default partitioner puts on {@code partition}. */
  static String keyOnPartition(String prefix, int partition, int partitions) {
    for (int n = 0; ; n++) {
      String key = prefix + "-" + n;
      byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
      if (Utils.toPositive(Utils.murmur2(bytes)) % partitions == partition) {
        return key;
      }
    }
  }

  private void sendEvent(String id, byte[] png, String trueClass, Instant time, boolean label) {
    ImageEvent image =
        ImageEvent.newBuilder()
            .setEventId(id)
            .setEventTime(time)
            .setDeployment(DEPLOYMENT)
            .setImageBytes(ByteBuffer.wrap(png))
            .setContentType("image/png")
            .setSource("fault-test")
            .build();
    producer.send(
        new ProducerRecord<>(
            topics.imageEvents().name(),
            null,
            time.toEpochMilli(),
            id,
            EVENTS.encode(image),
            DeploymentHeader.of(DEPLOYMENT)));
    events.add(id);
    if (label) {
      Instant at = time.plus(labelDelay);
      Label l =
          Label.newBuilder()
              .setEventId(id)
              .setTrueClass(trueClass)
              .setLabelledAt(at)
              .setDeployment(DEPLOYMENT)
              .setSource("fault-test")
              .build();
      producer.send(
          new ProducerRecord<>(
              topics.labels().name(), null, at.toEpochMilli(), id, LABELS.encode(l)));
      labelled.add(id);
    }
    if (time.isAfter(last)) {
      last = time;
    }
  }

  private boolean isLabelled(int index) {
    return new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L)).nextDouble() < labelledShare;
  }

  /** Waits until everything sent so far is acknowledged. */
  void flush() {
    producer.flush();
  }

  /** Ids of every event sent, window closers included. */
  Set<String> events() {
    return Set.copyOf(events);
  }

  /** Ids of the labelled events sent, window closers included. */
  Set<String> labelled() {
    return Set.copyOf(labelled);
  }

  /** Labelled events of the traffic (window closers excluded) by event time. */
  List<Instant> labelledTimes(int from, int to) {
    List<Instant> times = new ArrayList<>();
    for (int i = from; i < to; i++) {
      if (isLabelled(i)) {
        times.add(t0.plus(step.multipliedBy(i)));
      }
    }
    return times;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
