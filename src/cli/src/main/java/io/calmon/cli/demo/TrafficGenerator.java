package io.calmon.cli.demo;

import io.calmon.kafka.KafkaClientConfig;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Label;
import io.calmon.schemas.serde.RecordCodec;
import io.calmon.scorer.DeploymentHeader;
import io.calmon.world.WorldTraffic;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends world traffic to Kafka at a steady rate: one {@link ImageEvent} per tick (event time = now,
 * record timestamp = event time) and, after its {@link LabelPlan} delay, its {@link Label} (record
 * timestamp = labelled time). The traffic's drift can be changed while it runs.
 */
final class TrafficGenerator implements Runnable, AutoCloseable {
  private final RecordCodec<ImageEvent> events;
  private final RecordCodec<Label> labelCodec;

  private record PendingLabel(Instant due, Label label) {}

  private final KafkaProducer<String, byte[]> producer;
  private final String imageTopic;
  private final String labelTopic;
  private final String deployment;
  private final double eventsPerSecond;
  private final LabelPlan labels;
  private final Clock clock;
  private final PriorityQueue<PendingLabel> pending =
      new PriorityQueue<>((a, b) -> a.due().compareTo(b.due()));
  private final AtomicLong eventsSent = new AtomicLong();
  private final AtomicLong labelsSent = new AtomicLong();
  private final Sent onSent;

  /** Told of every event sent, and whether its label will follow. */
  @FunctionalInterface
  interface Sent {
    void sent(WorldTraffic.Event event, boolean labelled);
  }

  private volatile WorldTraffic traffic;
  private volatile boolean running = true;

  TrafficGenerator(
      String bootstrapServers,
      KafkaClientConfig kafka,
      String imageTopic,
      String labelTopic,
      String deployment,
      WorldTraffic traffic,
      double eventsPerSecond,
      LabelPlan labels,
      Clock clock,
      Sent onSent) {
    if (!(eventsPerSecond > 0)) {
      throw new IllegalArgumentException(
          "events per second must be positive, got " + eventsPerSecond);
    }
    this.producer =
        new KafkaProducer<>(
            kafka.applyTo(
                new HashMap<String, Object>(
                    Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5))),
            new StringSerializer(),
            new ByteArraySerializer());
    this.events = kafka.valueFormat().codec(ImageEvent.class, imageTopic);
    this.labelCodec = kafka.valueFormat().codec(Label.class, labelTopic);
    this.imageTopic = imageTopic;
    this.labelTopic = labelTopic;
    this.deployment = deployment;
    this.traffic = traffic;
    this.eventsPerSecond = eventsPerSecond;
    this.labels = labels;
    this.clock = clock;
    this.onSent = onSent;
  }

  /** Switches what the following events look like (the scenario's drift phases). */
  void setTraffic(WorldTraffic next) {
    traffic = next;
  }

  long eventsSent() {
    return eventsSent.get();
  }

  long labelsSent() {
    return labelsSent.get();
  }

  @Override
  public void run() {
    try {
      send();
      drainLabels();
    } finally {
      producer.close(Duration.ofSeconds(10));
    }
  }

  private void send() {
    long periodNanos = (long) (1e9 / eventsPerSecond);
    long next = System.nanoTime();
    for (long index = 0; running; index++) {
      sendEvent(index);
      sendDueLabels();
      next += periodNanos;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        try {
          Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void sendEvent(long index) {
    WorldTraffic.Event event = traffic.event(index);
    Optional<Duration> delay = labels.delayOf(index);
    onSent.sent(event, delay.isPresent());
    Instant now = clock.instant();
    ImageEvent image =
        ImageEvent.newBuilder()
            .setEventId(event.eventId())
            .setEventTime(now)
            .setDeployment(deployment)
            .setImageBytes(ByteBuffer.wrap(event.png()))
            .setContentType("image/png")
            .setSource("calmon-demo")
            .build();
    producer.send(
        new ProducerRecord<>(
            imageTopic,
            null,
            now.toEpochMilli(),
            event.eventId(),
            events.encode(image),
            DeploymentHeader.of(deployment))); // other deployments' scorers skip it undecoded
    eventsSent.incrementAndGet();
    delay.ifPresent(
        d ->
            pending.add(
                new PendingLabel(
                    now.plus(d),
                    Label.newBuilder()
                        .setEventId(event.eventId())
                        .setTrueClass(event.trueClass())
                        .setLabelledAt(now.plus(d))
                        .setDeployment(deployment)
                        .setSource("calmon-demo")
                        .build())));
  }

  /** After the last event: the labels still due arrive on time, so final windows get them. */
  private void drainLabels() {
    while (!pending.isEmpty() && !Thread.currentThread().isInterrupted()) {
      long wait = pending.peek().due().toEpochMilli() - clock.millis();
      if (wait > 0) {
        try {
          Thread.sleep(Math.min(wait, 200));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      sendDueLabels();
    }
  }

  private void sendDueLabels() {
    Instant now = clock.instant();
    while (!pending.isEmpty() && !pending.peek().due().isAfter(now)) {
      Label label = pending.poll().label();
      producer.send(
          new ProducerRecord<>(
              labelTopic,
              null,
              label.getLabelledAt().toEpochMilli(),
              label.getEventId(),
              labelCodec.encode(label)));
      labelsSent.incrementAndGet();
    }
  }

  /**
   * Stops after the current tick; labels not yet due are dropped (their events stay unlabelled).
   */
  void stop() {
    running = false;
  }

  /** Stops the loop; the producer is closed by the sending thread on its way out. */
  @Override
  public void close() {
    running = false;
  }
}
