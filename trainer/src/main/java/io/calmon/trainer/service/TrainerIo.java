package io.calmon.trainer.service;

import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.PromptVersion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The trainer's Kafka clients: a reader of the compacted state topics (prompt versions, class sets,
 * its own features), the group consumer of image events, labels and retrain requests, and one
 * idempotent producer. Used from the trainer's polling thread only (except {@link #wakeup}).
 */
final class TrainerIo implements AutoCloseable {
  private static final Duration STATE_READ_TIMEOUT = Duration.ofSeconds(60);

  private final TrainerSettings settings;
  private final CalmonTopics topics;
  private final CompactedReader state;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final AvroSerde<Alert> alerts = AvroSerde.of(Alert.class);
  private final AvroSerde<DeadLetter> deadLetters = AvroSerde.of(DeadLetter.class);

  TrainerIo(TrainerSettings settings) {
    this.settings = settings;
    this.topics = settings.topics();
    this.state =
        new CompactedReader(
            settings.bootstrapServers(),
            List.of(
                topics.promptVersions().name(),
                topics.classSets().name(),
                topics.trainerState().name()));
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // A new trainer reads the labelled history it can still find to fill its reservoir.
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(c);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
  }

  /** Reads the state topics to their end. */
  void readState(Consumer<ConsumerRecord<String, byte[]>> sink) {
    state.readToEnd(sink, STATE_READ_TIMEOUT);
  }

  /** Reads state records that arrived since, without waiting. */
  void followState(Consumer<ConsumerRecord<String, byte[]>> sink) {
    state.poll(sink, Duration.ZERO);
  }

  void subscribe() {
    consumer.subscribe(
        List.of(
            topics.imageEvents().name(), topics.labels().name(), topics.retrainRequests().name()));
  }

  ConsumerRecords<String, byte[]> poll(Duration timeout) {
    return consumer.poll(timeout);
  }

  void commit() {
    consumer.commitSync();
  }

  void send(String topic, String key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, key, value));
  }

  void flush() {
    producer.flush();
  }

  void wakeup() {
    consumer.wakeup();
  }

  /** An INFO alert with rule {@code retrain-rejected} on {@code calibration-alerts}. */
  void alert(
      TrainerSettings s, PromptVersion current, String reason, double threshold, double observed) {
    Alert a =
        Alert.newBuilder()
            .setAlertId(UUID.randomUUID())
            .setDeployment(s.deployment())
            .setPromptVersion(current == null ? 0 : current.getVersion())
            .setGroup(CalibrationGroup.ALL)
            .setRule("retrain-rejected")
            .setSeverity(io.calmon.schemas.Severity.INFO)
            .setRaisedAt(Instant.now())
            .setThreshold(threshold)
            .setObserved(observed)
            .setMessage("retraining rejected: " + reason)
            .setEvidence(List.of())
            .build();
    send(topics.calibrationAlerts().name(), s.deployment(), alerts.serialize(null, a));
    flush();
  }

  /** The original record with why the trainer gave up on it. */
  void deadLetter(ConsumerRecord<String, byte[]> r, String service, String type, String reason) {
    DeadLetter d =
        DeadLetter.newBuilder()
            .setSourceTopic(r.topic())
            .setSourcePartition(r.partition())
            .setSourceOffset(r.offset())
            .setOriginalKey(
                r.key() == null ? null : ByteBuffer.wrap(r.key().getBytes(StandardCharsets.UTF_8)))
            .setOriginalValue(r.value() == null ? null : ByteBuffer.wrap(r.value()))
            .setService(service)
            .setErrorType(type)
            .setErrorMessage(reason)
            .setFailedAt(Instant.now())
            .build();
    send(topics.deadLetters().name(), r.key(), deadLetters.serialize(null, d));
  }

  /** The gate's margin and the observed change behind a rejection, for the alert's numbers. */
  static double[] thresholdAndObserved(TrainerSettings s, Retrainer.Outcome o) {
    String reason = o.rejection().orElse("");
    if (reason.startsWith("accuracy")) {
      return new double[] {
        s.maxAccuracyDrop(), o.currentScore().accuracy() - o.candidateScore().accuracy()
      };
    }
    if (reason.startsWith("ECE")) {
      return new double[] {s.maxEceRise(), o.candidateScore().ece() - o.currentScore().ece()};
    }
    return new double[] {0, 0};
  }

  @Override
  public void close() {
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
    } finally {
      try {
        producer.close(Duration.ofSeconds(10));
      } finally {
        state.close();
      }
    }
  }
}
