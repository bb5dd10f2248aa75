package io.calmon.trainer.service;

import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.TopicFollower;
import io.calmon.kafka.TransactionCommit;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.PromptVersion;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The trainer's Kafka clients: a reader of the compacted state topics (prompt versions, class sets,
 * its own features), the group consumer of image events, labels and retrain requests, and one
 * transactional producer. Used from the trainer's polling thread only (except {@link #wakeup}).
 *
 * <p>Exactly once: everything the trainer writes (features, class sets, prompt versions, alerts,
 * dead letters) and the input offsets that fed it ({@link InputOffsets}) go out in one transaction
 * per poll, under the transactional id {@link TrainerSettings#transactionalId()}; both consumers
 * read {@code read_committed}. A transaction that fails ends the session with {@link RolledBack}:
 * the service drops its in-memory state and starts over from what is committed, so nothing it did
 * in the failed transaction (a version number, a reservoir slot) survives. Starting a producer with
 * the same id fences an older trainer of the deployment: its next transaction throws {@link
 * ProducerFencedException} (or an {@link InvalidProducerEpochException}, thrown as the former),
 * which is never retried: a retry would start a producer of the same id and fence the newer one.
 */
final class TrainerIo implements AutoCloseable {
  private static final Duration STATE_READ_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Commits tried after a timeout before the session is given up (only a commit may follow one).
   */
  private static final int COMMIT_ATTEMPTS = 3;

  /**
   * The most bytes of an original value a dead letter keeps: under the broker's default {@code
   * message.max.bytes} (1 MiB), so a dead letter can always be written.
   */
  static final int DEAD_LETTER_VALUE_BYTES = 256 * 1024;

  /**
   * The session ended without committing its last transaction: the service rebuilds its state from
   * what is committed and goes on.
   */
  static final class RolledBack extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** False when nothing failed (partitions were reassigned): no backoff, nothing counted. */
    private final boolean failed;

    RolledBack(String message, Throwable cause, boolean failed) {
      super(message, cause);
      this.failed = failed;
    }

    boolean failed() {
      return failed;
    }
  }

  private final TrainerSettings settings;
  private final CalmonTopics topics;
  private final TrainerService.CommitHook hook;
  private final TopicFollower state;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaClientMetrics consumerMetrics;
  private final KafkaClientMetrics producerMetrics;
  private final InputOffsets offsets = new InputOffsets();
  private final AvroSerde<Alert> alerts;
  private final AvroSerde<DeadLetter> deadLetters;
  private Map<TopicPartition, OffsetAndMetadata> lastCommitted = Map.of();
  private final List<ProducerRecord<String, byte[]>> outbox = new ArrayList<>();
  private long transactions;
  private Runnable commitBeforeRevoke = () -> {};
  private boolean reassigned;
  private RuntimeException revokeFailure;
  private boolean closing;
  private boolean crashed;

  /**
   * Connects and fences any older producer of the same transactional id, aborting what it left
   * open, before the state topics are read. The group consumer's and the producer's metrics
   * (consumer lag among them) are bound to {@code meters} until {@link #close}.
   */
  TrainerIo(TrainerSettings settings, TrainerService.CommitHook hook, MeterRegistry meters) {
    this.settings = settings;
    this.topics = settings.topics();
    this.hook = hook;
    this.alerts = AvroSerde.of(Alert.class, settings.kafka().valueFormat());
    this.deadLetters = AvroSerde.of(DeadLetter.class, settings.kafka().valueFormat());
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    settings.kafka().applyTo(p);
    this.producer = new KafkaProducer<>(p);
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // A new trainer reads the labelled history it can still find to fill its reservoir.
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    settings.kafka().applyTo(c);
    KafkaConsumer<String, byte[]> groupConsumer = null;
    TopicFollower reader = null;
    try {
      producer.initTransactions();
      groupConsumer = new KafkaConsumer<>(c);
      reader = new TopicFollower(settings.bootstrapServers(), settings.kafka(), null);
      reader.assignFromBeginning(
          List.of(
              topics.promptVersions().name(),
              topics.classSets().name(),
              topics.trainerState().name()),
          Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      if (reader != null) {
        reader.close();
      }
      if (groupConsumer != null) {
        groupConsumer.close(CloseOptions.timeout(Duration.ZERO));
      }
      throw e;
    }
    this.consumer = groupConsumer;
    this.state = reader;
    this.consumerMetrics = new KafkaClientMetrics(consumer);
    consumerMetrics.bindTo(meters);
    this.producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(meters);
  }

  /** Reads the state topics to their end. */
  void readState(Consumer<ConsumerRecord<String, byte[]>> sink) {
    state.readToEnd(sink, STATE_READ_TIMEOUT);
  }

  /** Reads state records that arrived since, without waiting. */
  void followState(Consumer<ConsumerRecord<String, byte[]>> sink) {
    state.poll(Duration.ZERO).forEach(sink);
  }

  /**
   * Subscribes to the inputs. Before partitions are taken away, {@code commitBeforeRevoke} commits
   * what was done (and finds out if this trainer was fenced); the next {@link #poll} then ends the
   * session, so no record of a partition another trainer may now own stays in memory.
   */
  void subscribe(Runnable commitBeforeRevoke) {
    this.commitBeforeRevoke = commitBeforeRevoke;
    consumer.subscribe(
        List.of(
            topics.imageEvents().name(), topics.labels().name(), topics.retrainRequests().name()),
        new Rebalance());
  }

  /**
   * @throws RolledBack if partitions were reassigned during the poll
   */
  ConsumerRecords<String, byte[]> poll(Duration timeout) {
    ConsumerRecords<String, byte[]> records = consumer.poll(timeout);
    if (revokeFailure != null) {
      throw revokeFailure;
    }
    if (reassigned) {
      throw new RolledBack("partitions were reassigned", null, false);
    }
    return records;
  }

  /** Where this record stands: see {@link InputOffsets}. */
  InputOffsets offsets() {
    return offsets;
  }

  /**
   * Queues a record for the next transaction. Nothing is sent before {@link #commit}, so a
   * transaction is open only while it is committed, never while images are encoded: a poll that
   * takes longer than {@code transaction.timeout.ms} cannot have its transaction aborted under it.
   */
  void send(String topic, String key, byte[] value) {
    outbox.add(new ProducerRecord<>(topic, key, value));
  }

  /**
   * One transaction: the queued records and the input offsets (each partition's position, or its
   * oldest record in {@code holds} if lower), committed. Nothing happens when nothing is queued and
   * the offsets are the ones last committed, unless {@code force}.
   *
   * @return whether a transaction was committed
   * @throws RolledBack if it failed and was not committed
   * @throws ProducerFencedException if another trainer of the deployment took over
   */
  boolean commit(Map<TopicPartition, Long> holds, boolean force) {
    Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      positions.put(tp, consumer.position(tp));
    }
    Map<TopicPartition, OffsetAndMetadata> next = offsets.toCommit(positions, holds);
    if (outbox.isEmpty() && !force && next.equals(lastCommitted)) {
      return false;
    }
    String versions = topics.promptVersions().name();
    int promptVersions = (int) outbox.stream().filter(r -> r.topic().equals(versions)).count();
    try {
      producer.beginTransaction();
      for (ProducerRecord<String, byte[]> r : outbox) {
        producer.send(r);
      }
      if (!next.isEmpty()) {
        producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
      }
      // On the broker before the hook (the commit would flush them anyway): a crash the hook
      // simulates leaves them in the log, uncommitted, as a real crash after the sends does.
      producer.flush();
      hook.beforeCommit(++transactions, promptVersions);
      TransactionCommit.commit(producer, COMMIT_ATTEMPTS, attempt -> {});
    } catch (TrainerService.SimulatedCrash e) {
      crashed = true;
      throw e;
    } catch (KafkaException e) {
      throw failed("the transaction", e);
    }
    outbox.clear();
    lastCommitted = next;
    return true;
  }

  /**
   * {@code e} as it ends the session: fencing and errors no retry can cure as they are, anything
   * else as {@link RolledBack}. Nothing is aborted here: closing this producer and starting the
   * next one with the same id ends the open transaction, committed or not, before state is read.
   */
  private static RuntimeException failed(String what, KafkaException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidProducerEpochException) {
        // A newer producer of this id bumped the epoch. (So does the coordinator when a
        // transaction outlives transaction.timeout.ms, but this one is open only while it
        // commits.) Starting over would fence the newer trainer in turn: stop instead.
        ProducerFencedException fenced = new ProducerFencedException(t.getMessage());
        fenced.initCause(t);
        return fenced;
      }
      if (t instanceof ProducerFencedException
          || t instanceof AuthorizationException
          || t instanceof UnsupportedVersionException) {
        return (RuntimeException) t;
      }
    }
    return new RolledBack(what + " failed: " + e.getMessage(), e, true);
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
    send(
        topics.calibrationAlerts().name(),
        s.deployment(),
        alerts.serialize(topics.calibrationAlerts().name(), a));
  }

  /**
   * The original record with why the trainer gave up on it; a value over {@link
   * #DEAD_LETTER_VALUE_BYTES} is cut to its first bytes and the message says so.
   */
  void deadLetter(ConsumerRecord<String, byte[]> r, String service, String type, String reason) {
    byte[] value = r.value();
    if (value != null && value.length > DEAD_LETTER_VALUE_BYTES) {
      reason +=
          " (original value of "
              + value.length
              + " bytes truncated to its first "
              + DEAD_LETTER_VALUE_BYTES
              + ")";
      value = Arrays.copyOf(value, DEAD_LETTER_VALUE_BYTES);
    }
    DeadLetter d =
        DeadLetter.newBuilder()
            .setSourceTopic(r.topic())
            .setSourcePartition(r.partition())
            .setSourceOffset(r.offset())
            .setOriginalKey(
                r.key() == null ? null : ByteBuffer.wrap(r.key().getBytes(StandardCharsets.UTF_8)))
            .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
            .setService(service)
            .setErrorType(type)
            .setErrorMessage(reason)
            .setFailedAt(Instant.now())
            .build();
    send(
        topics.deadLetters().name(),
        r.key(),
        deadLetters.serialize(topics.deadLetters().name(), d));
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

  /**
   * Closes the clients and removes their meters. After a simulated crash nothing is committed or
   * aborted: the transaction stays open on the broker, as if the process had been killed.
   */
  @Override
  public void close() {
    closing = true;
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(crashed ? 0 : 10)));
    } finally {
      try {
        producer.close(crashed ? Duration.ZERO : Duration.ofSeconds(10));
      } finally {
        try {
          state.close();
        } finally {
          consumerMetrics.close();
          producerMetrics.close();
        }
      }
    }
  }

  /** Commits before partitions go (see {@link #subscribe}); ends the session after the poll. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        offsets.assigned(partitions, consumer.committed(new HashSet<>(partitions)));
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty() || closing) {
        return;
      }
      try {
        commitBeforeRevoke.run();
      } catch (RuntimeException e) {
        revokeFailure = e; // rethrown by poll(): the consumer would wrap it
      }
      offsets.revoked(partitions);
      reassigned = true;
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty() && !closing) {
        offsets.revoked(partitions);
        reassigned = true;
      }
    }
  }
}
