package io.calmon.scorer;

import ai.djl.engine.Engine;
import io.calmon.clip.ClipModel;
import io.calmon.schemas.serde.AvroLimits;
import io.calmon.service.CalmonService;
import io.calmon.service.MetricsRegistry;
import io.calmon.service.MetricsServer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scorer instance: consumes {@code image-events} in the deployment's consumer group ({@code
 * calmon-scorer-<deployment>}; run as many instances as the topic has partitions), scores
 * micro-batches with CLIP against the live prompt ({@link LivePrompt}) and produces predictions and
 * dead letters <b>exactly once</b>: outputs and their input offsets are committed in one Kafka
 * transaction ({@code transactional.id} per instance, offsets sent with the consumer's group
 * metadata), so downstream {@code read_committed} consumers see every event's prediction once,
 * across crashes and rebalances.
 *
 * <p>Pipeline: polled records go to a {@link DecodePipeline} that decodes and preprocesses them on
 * {@link ScorerConfig#decodeThreads()} threads while this thread runs the model on the batch
 * before; at most twice the batch size (plus one poll) wait there. One transaction spans every
 * micro-batch scored within {@link ScorerConfig#commitInterval()}: each batch's outputs are sent as
 * soon as it is scored, and the offsets and the commit come once the interval is over (or when the
 * transaction holds {@link #MAX_OPEN_BYTES}).
 *
 * <p>Rebalances: partitions about to be revoked have their pending records scored and the open
 * transaction committed first; when partitions are lost, the open transaction is aborted and every
 * partition it read is rewound to its last committed offset (the next owner re-reads the lost
 * ones). A failed transaction is aborted and the partitions it read are rewound to its first
 * offsets, the last committed ones. A fenced producer is re-created and every partition read again
 * from its committed offset (see {@link #scoreUntilStopped}); another live process with the same
 * instance id fences this one's group membership too, and this one stops. An instance that dies
 * with a transaction open blocks the partitions it wrote to until the broker aborts it after {@link
 * ScorerConfig#transactionTimeout()} (or a restart with the same id aborts it at once).
 *
 * <p>Before the deployment has a class set, nothing is consumed: images wait in Kafka with their
 * offsets uncommitted, and scoring starts when the first class set arrives.
 */
public final class ScorerService implements CalmonService {

  private static final Logger LOG = LoggerFactory.getLogger(ScorerService.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(100);
  private static final Duration CATCH_UP_PATIENCE = Duration.ofSeconds(60);

  /** Fencings within {@link #FENCING_PERIOD} that re-create the producer; one more stops. */
  static final int MAX_FENCINGS = 3;

  static final Duration FENCING_PERIOD = Duration.ofMinutes(10);

  /**
   * The producer's {@code max.request.size}, Kafka's default, set explicitly because dead letters
   * are cut to fit it (a kept original value over it could never be sent).
   */
  static final int MAX_REQUEST_BYTES = 1 << 20;

  /** Transactions tried per batch (and per isolated record) before isolating or dead-lettering. */
  static final int SEND_ATTEMPTS = 3;

  /** The first backoff between attempts; it doubles after each. */
  static final Duration SEND_BACKOFF = Duration.ofMillis(100);

  /**
   * The most bytes (input and output keys and values) an open transaction holds for a retry before
   * it commits, whatever the commit interval: the retained inputs bound the scorer's memory.
   */
  static final long MAX_OPEN_BYTES = 64L << 20;

  /**
   * Called after a transaction's records and offsets were sent, before the commit (numbered from 1
   * per instance). Tests inject faults.
   */
  interface CommitHook {
    void beforeCommit(int transactionNumber);
  }

  /** Why the scoring thread is ending: decides what the rebalance listener and close still do. */
  private enum Ending {
    /** Running, or stopping gracefully: revoked partitions' pending records are committed first. */
    NONE,
    /** Stopping on an error: nothing more is committed; pending records are dropped. */
    FAILED,
    /** A simulated crash (tests): nothing more is sent, committed or aborted, as if killed. */
    CRASHED
  }

  /** Thrown by a {@link CommitHook} to simulate a crash: no abort, no clean close. */
  static final class SimulatedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) {
      super(message);
    }
  }

  private final ScorerConfig config;
  private final ScorerMetrics metrics = new ScorerMetrics();
  private final MetricsRegistry registry;
  private final LivePrompt livePrompt;
  private final PromptHealthPublisher healthPublisher;
  private final BatchScorer scorer;
  private final CommitHook commitHook;
  private final Thread thread;
  private final DecodePipeline<BatchScorer.Prepared> pending;
  private KafkaConsumer<byte[], byte[]> consumer;
  private KafkaProducer<byte[], byte[]> producer;
  private KafkaClientMetrics consumerMetrics;
  private KafkaClientMetrics producerMetrics;
  private BatchCommitter committer;
  private volatile boolean running;
  private volatile Ending ending = Ending.NONE;
  private volatile Throwable failure;
  private MetricsServer metricsServer;

  /** A scorer for {@code config} with {@code clip} (not owned: the caller closes it). */
  public ScorerService(ScorerConfig config, ClipModel clip) {
    this(config, clip, batch -> {});
  }

  ScorerService(ScorerConfig config, ClipModel clip, CommitHook commitHook) {
    AvroLimits avro = config.avroLimits().apply(); // before this service decodes any record
    LOG.info(
        "Avro limits: bytes {}, strings {}, items {}",
        avro.maxBytes(),
        avro.maxString(),
        avro.maxItems());
    this.config = config;
    this.commitHook = commitHook;
    this.healthPublisher = new PromptHealthPublisher(config);
    this.livePrompt =
        new LivePrompt(
            config, new ScoringContextCompiler(clip, config.template()), metrics, healthPublisher);
    this.scorer = new BatchScorer(config, clip, Clock.systemUTC(), MAX_REQUEST_BYTES);
    this.pending =
        new DecodePipeline<>(
            scorer::prepare,
            config.decodeThreads(),
            2 * config.batchSize(),
            "calmon-scorer-" + config.instanceId());
    this.thread = new Thread(this::run, "calmon-scorer-" + config.instanceId());
    this.registry = metrics.registry(config, () -> thread.isAlive() ? 1 : 0);
  }

  /**
   * Starts the metrics endpoint (when a port is set), then reading the prompt topics and, once a
   * class set exists, scoring. Returns at once.
   *
   * @throws java.io.UncheckedIOException if the metrics port cannot be bound (nothing started)
   */
  @Override
  public synchronized ScorerService start() {
    if (config.metricsPort() > 0) {
      metricsServer =
          MetricsServer.start(
              config.metricsHost(),
              config.metricsPort(),
              registry,
              () ->
                  failure() == null
                      ? java.util.Optional.empty()
                      : java.util.Optional.of("scorer stopped: " + failure().getMessage()));
    }
    LOG.info(
        "scorer {} for deployment '{}' on {} (device {}, GPUs {}), group {}",
        config.instanceId(),
        config.deployment(),
        config.topics().imageEvents().name(),
        Engine.getInstance().defaultDevice(),
        Engine.getInstance().getGpuCount(),
        config.groupId());
    LOG.info(
        "scorer {}: prompt versions served only if signed by one of the keys {}{}",
        config.instanceId(),
        config.trustedKeys().keyIds(),
        config.allowUnsignedPrompts() ? ", or unsigned (unsigned prompt versions allowed)" : "");
    running = true;
    livePrompt.start();
    thread.start();
    return this;
  }

  /** The instance's counters and gauges. */
  public ScorerMetrics metrics() {
    return metrics;
  }

  /** The metrics as served at {@code /metrics} (Prometheus names and text format). */
  public MetricsRegistry metricsRegistry() {
    return registry;
  }

  /** The metrics endpoint's port, or -1 when it is off. */
  @Override
  public synchronized int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  /** Why the instance stopped on its own (fenced, broker lost, a bug), or null. */
  @Override
  public Throwable failure() {
    return failure != null ? failure : livePrompt.failure();
  }

  /** The prompt-version reader (for tests). */
  LivePrompt livePrompt() {
    return livePrompt;
  }

  /**
   * The prompt-version reader died: scoring stops (the instance fails, the CLI exits 1) rather than
   * go on serving a prompt version and class set that can no longer change.
   */
  static final class PromptReaderFailed extends RuntimeException {
    PromptReaderFailed(Throwable cause) {
      super(
          "the prompt-version reader stopped ("
              + BatchCommitter.why(cause)
              + "); scoring stops rather than serve a stale prompt version",
          cause);
    }
  }

  /** Ready once started: the scoring thread reads the prompt topics and scores on its own. */
  @Override
  public boolean awaitReady(Duration timeout) {
    return isRunning();
  }

  /** Whether the scoring thread is still running. */
  @Override
  public boolean isRunning() {
    return thread.isAlive();
  }

  /**
   * Stops gracefully: the batch being scored is committed, and so are the records already polled
   * (closing the consumer revokes its partitions, and the revoke callback commits first; only if a
   * rebalance is under way at that moment are they dropped, for the next owner to re-read); then
   * the clients and the metrics endpoint close.
   */
  @Override
  public void close() throws InterruptedException {
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    thread.join();
    livePrompt.close();
    healthPublisher.close();
    synchronized (this) {
      if (metricsServer != null) {
        metricsServer.close();
        metricsServer = null;
      }
    }
    registry.close();
  }

  private void run() {
    try {
      if (!livePrompt.awaitCaughtUp(CATCH_UP_PATIENCE) && running) {
        LOG.warn("prompt topics not read to their end within {}; going on", CATCH_UP_PATIENCE);
      }
      boolean told = false;
      while (running && livePrompt.current() == null && livePrompt.failure() == null) {
        if (!told) {
          LOG.info(
              "waiting for a class set for deployment '{}' on {}; images wait in Kafka",
              config.deployment(),
              config.topics().classSets().name());
          told = true;
        }
        Thread.sleep(IDLE_POLL.toMillis());
      }
      if (!running || livePrompt.failure() != null) {
        return;
      }
      consumer = newConsumer();
      consumerMetrics = new KafkaClientMetrics(consumer);
      consumerMetrics.bindTo(registry.meters());
      startProducer();
      consumer.subscribe(List.of(config.topics().imageEvents().name()), new Rebalance());
      if (!running) {
        return;
      }
      try {
        scoreUntilStopped();
      } catch (WakeupException e) {
        // close() woke the consumer up: a normal stop.
      }
      commitOnStop();
    } catch (WakeupException e) {
      // close() woke the consumer up before scoring began: a normal stop.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ProducerFencedException e) {
      ending = Ending.FAILED;
      failure = e;
      LOG.error(
          "scorer {} fenced by a newer instance with the same id; stopping", config.instanceId());
    } catch (RuntimeException | Error e) {
      SimulatedCrash crash = simulatedCrash(e);
      if (crash != null) {
        ending = Ending.CRASHED;
        LOG.warn("simulated crash: {}", crash.getMessage());
      } else {
        ending = Ending.FAILED;
        failure = e;
        LOG.error("scorer {} failed; stopping", config.instanceId(), e);
      }
    } finally {
      closeClients();
    }
  }

  /**
   * A new transactional producer ({@code initTransactions} fences an older one with this id and
   * aborts its open transaction) and a committer for it.
   */
  private void startProducer() {
    producer = newProducer();
    producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(registry.meters());
    producer.initTransactions();
    committer =
        new BatchCommitter(
            producer,
            consumer::groupMetadata,
            scorer,
            commitHook,
            metrics,
            BatchCommitter.Sleeper::real,
            SEND_ATTEMPTS,
            SEND_BACKOFF);
  }

  /**
   * Scores until stopped. A fenced producer is re-created, as Kafka Streams re-creates a task's
   * producer: its transaction outlived {@code transaction.timeout.ms} (a long pause) and the broker
   * aborted it, or another process started with this instance id. The open transaction is lost (the
   * broker aborts it), so every partition is read again from its committed offset. Another live
   * process with this instance id takes the group membership too ({@code group.instance.id}), and
   * the consumer of the older one is fenced: that one stops. More than {@value #MAX_FENCINGS}
   * fencings within {@link #FENCING_PERIOD} stop this instance.
   */
  private void scoreUntilStopped() {
    java.util.ArrayDeque<Long> fencings = new java.util.ArrayDeque<>();
    while (true) {
      try {
        loop();
        return;
      } catch (RuntimeException e) {
        ProducerFencedException fenced = fenced(e);
        if (fenced == null || !running) {
          throw e;
        }
        long now = System.nanoTime();
        fencings.addLast(now);
        while (now - fencings.peekFirst() > FENCING_PERIOD.toNanos()) {
          fencings.removeFirst();
        }
        if (fencings.size() > MAX_FENCINGS) {
          throw fenced;
        }
        recreateProducer(fenced);
      }
    }
  }

  private static ProducerFencedException fenced(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException fenced) {
        return fenced;
      }
    }
    return null;
  }

  private void recreateProducer(ProducerFencedException cause) {
    LOG.warn(
        "scorer {}: its producer was fenced ({}): a transaction outlived transaction.timeout.ms"
            + " ({}), or another process uses instance id {}; re-creating the producer and"
            + " reading every partition again from its committed offset",
        config.instanceId(),
        BatchCommitter.why(cause),
        config.transactionTimeout(),
        config.instanceId());
    metrics.producerRecreated();
    committer.forgetOpen();
    Set<TopicPartition> assigned = consumer.assignment();
    pending.drop(assigned);
    Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
        consumer.committed(assigned);
    for (TopicPartition tp : assigned) {
      var offset = committed.get(tp);
      if (offset != null) {
        consumer.seek(tp, offset.offset());
      } else {
        consumer.seekToBeginning(List.of(tp));
      }
    }
    producerMetrics.close();
    producer.close(Duration.ZERO);
    startProducer();
  }

  /**
   * The simulated crash behind {@code e} (the consumer wraps what its listener throws), or null.
   */
  private static SimulatedCrash simulatedCrash(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SimulatedCrash crash) {
        return crash;
      }
    }
    return null;
  }

  /**
   * Polls while the pipeline has room; scores the head batch once it is full and either the
   * pipeline is full too or nothing more has come (so the next batch decodes while the model runs),
   * or once the oldest record has waited {@code maxWait}; commits the open transaction once it has
   * been open {@code commitInterval}.
   */
  private void loop() {
    int batchSize = config.batchSize();
    long maxWait = config.maxWait().toNanos();
    long commitInterval = config.commitInterval().toNanos();
    long openedAt = 0;
    while (running) {
      if (livePrompt.failure() != null) {
        throw new PromptReaderFailed(livePrompt.failure());
      }
      boolean full = pending.size() >= batchSize;
      int polled = 0;
      if (pending.hasRoom()) {
        long now = System.nanoTime();
        long wake =
            pending.isEmpty() ? now + IDLE_POLL.toNanos() : pending.oldestPolledAt() + maxWait;
        if (committer.isOpen()) {
          wake = Math.min(wake, openedAt + commitInterval);
        }
        var records =
            consumer.poll(full ? Duration.ZERO : Duration.ofNanos(Math.max(0, wake - now)));
        long polledAt = System.nanoTime();
        records.forEach(r -> pending.add(r, polledAt));
        polled = records.count();
      }
      long now = System.nanoTime();
      if (!pending.hasRoom()
          || (full && polled == 0)
          || (!pending.isEmpty() && now - pending.oldestPolledAt() >= maxWait)) {
        if (!committer.isOpen()) {
          openedAt = now;
        }
        scoreBatch(pending.take(batchSize));
      }
      if (committer.isOpen()
          && (System.nanoTime() - openedAt >= commitInterval
              || committer.openBytes() >= MAX_OPEN_BYTES)) {
        commitOpen();
      }
    }
  }

  /**
   * Runs the model on one micro-batch (one {@link ScoringContext}, so no batch mixes prompt
   * versions) and sends its outputs in the open transaction.
   */
  private void scoreBatch(List<BatchScorer.Prepared> batch) {
    if (batch.isEmpty()) {
      return;
    }
    committer.append(scorer.encode(batch, livePrompt.current()));
    metrics.batch(batch.size());
  }

  /**
   * Commits the open transaction (see {@link BatchCommitter}: its records again, or one per record
   * when it keeps failing); what could not be committed is rewound, to be re-read after the next
   * poll.
   */
  private void commitOpen() {
    BatchCommitter.Outcome outcome = committer.commitOpen();
    if (!outcome.uncommitted().isEmpty()) {
      rewind(outcome.uncommitted());
    }
    LOG.debug(
        "generation {}: committed {} records, {} to re-read",
        consumer.groupMetadata().generationId(),
        outcome.committed().size(),
        outcome.uncommitted().size());
  }

  /** A graceful stop: what was polled is scored and committed while the partitions are ours. */
  private void commitOnStop() {
    if (consumer == null || ending != Ending.NONE) {
      return;
    }
    while (!pending.isEmpty()) {
      scoreBatch(pending.take(config.batchSize()));
    }
    commitOpen();
  }

  /**
   * Seeks each still-assigned partition back to the first offset of {@code records} in it (the last
   * committed offset: a transaction reads each partition from there), and drops the pending records
   * of those partitions: they will be fetched again.
   */
  private void rewind(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      first.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
    }
    pending.drop(first.keySet());
    first.forEach(
        (tp, offset) -> {
          if (consumer.assignment().contains(tp)) {
            consumer.seek(tp, offset);
          }
        });
  }

  /**
   * Closes the consumer (it leaves the group, static member though it is; the revoke callback
   * commits or drops what is pending) and then, whatever the consumer did, the producer. A graceful
   * producer close aborts a transaction still open after a failure; a crash leaves it open on the
   * broker, where the restarted instance's {@code initTransactions} or the transaction timeout
   * aborts it.
   */
  private void closeClients() {
    try {
      if (consumer != null) {
        // A static member leaves only when asked: the others take its partitions at once.
        consumer.close(
            CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
      }
    } catch (RuntimeException e) {
      LOG.warn("scorer {}: consumer closed with an error: {}", config.instanceId(), e.toString());
    } finally {
      try {
        if (producer != null) {
          producer.close(ending == Ending.CRASHED ? Duration.ZERO : Duration.ofSeconds(30));
        }
      } finally {
        pending.close(); // after the consumer: its revoke callback may still score them
        closeClientMetrics();
      }
    }
  }

  /** Removes the clients' meters from the registry once the clients are closed. */
  private void closeClientMetrics() {
    if (consumerMetrics != null) {
      consumerMetrics.close();
    }
    if (producerMetrics != null) {
      producerMetrics.close();
    }
  }

  private KafkaProducer<byte[], byte[]> newProducer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, config.transactionalId());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) config.transactionTimeout().toMillis());
    config.kafka().applyTo(p);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private KafkaConsumer<byte[], byte[]> newConsumer() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.transactionalId());
    // Static membership: an instance restarted with its --instance-id (after a crash or SIGKILL)
    // takes its partitions back at once instead of waiting for the old member's session to expire.
    p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // offsets commit in the transaction
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.batchSize());
    config.kafka().applyTo(p);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Commits before revoke; aborts when partitions are lost. Runs inside {@code poll} (or the
   * consumer's close), on the scorer thread, with the open transaction of this thread: revoked
   * partitions' pending records are scored into it and it commits before the partitions are given
   * away. An instance stopping on an error or a crash commits nothing more: its pending records are
   * dropped for the next owner to re-read.
   */
  private final class Rebalance implements ConsumerRebalanceListener {
    private final Set<TopicPartition> owned = new HashSet<>();

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      LOG.info("scorer {} revoked {}", config.instanceId(), partitions);
      if (ending == Ending.NONE) {
        while (pending.holdsAny(partitions)) {
          scoreBatch(pending.take(config.batchSize(), partitions));
        }
        commitOpen();
      } else {
        pending.drop(partitions);
      }
      owned.removeAll(partitions);
      metrics.assignedPartitions(owned.size());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      LOG.info("scorer {} lost {}", config.instanceId(), partitions);
      pending.drop(partitions);
      if (ending == Ending.NONE) {
        // Its offsets can no longer be committed for the lost partitions: abort it all, and read
        // the partitions still ours again from their last committed offsets.
        rewind(committer.abortOpen());
      }
      owned.removeAll(partitions);
      metrics.assignedPartitions(owned.size());
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      LOG.info("scorer {} assigned {}", config.instanceId(), partitions);
      owned.addAll(partitions);
      metrics.assignedPartitions(owned.size());
    }
  }
}
