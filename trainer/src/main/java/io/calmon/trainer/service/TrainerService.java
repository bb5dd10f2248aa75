package io.calmon.trainer.service;

import io.calmon.clip.ClipModel;
import io.calmon.clip.image.ImageLoader;
import io.calmon.clip.image.ImagePreprocessor;
import io.calmon.clip.image.ImageRejectedException;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Label;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.RetrainRequest;
import io.calmon.schemas.serde.RecordDecodingException;
import io.calmon.schemas.serde.confluent.ValueFormat;
import io.calmon.schemas.signing.SigningKey;
import io.calmon.schemas.state.FewShotSample;
import io.calmon.service.CalmonService;
import io.calmon.service.MetricsRegistry;
import io.calmon.service.MetricsServer;
import io.calmon.trainer.loop.EvidenceWait;
import io.calmon.trainer.loop.RetrainGate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer as a service: keeps a few-shot reservoir of image features per class from the
 * labelled image stream, answers retrain requests with a new prompt version when the publish gate
 * lets it, and bootstraps version 1 when a deployment has none.
 *
 * <pre>{@code
 * TrainerSettings settings = TrainerSettings.builder()
 *     .setBootstrapServers(broker.bootstrapServers()).setBackboneId("calmon-world-tiny").build();
 * try (TrainerService trainer = new TrainerService(settings, clip).start()) {
 *   trainer.awaitReady(Duration.ofSeconds(30));
 *   ...                                     // trainer.counters(), or --metrics-port
 * }                                         // close(): stops, persists, commits
 * }</pre>
 *
 * <p>One thread polls Kafka; tuning runs on a second thread so polls continue during a long run.
 * The {@link ClipModel} is the caller's and stays open.
 *
 * <p><b>Exactly once.</b> Each poll ends with one Kafka transaction ({@link TrainerIo},
 * transactional id {@code calmon-trainer-<deployment>}) holding everything the poll produced
 * (features on {@code trainer-state}, class set, prompt version, alerts, dead letters) and the
 * input offsets it acted on; every consumer reads {@code read_committed}. A failed send or commit
 * ends the session: the in-memory state (version number, reservoir, joins, the retrain gate's
 * memory) is dropped and read again from what is committed, the inputs are re-read from the
 * committed offsets, and the trainer goes on after a backoff (doubling from 0.5 s to 30 s; {@code
 * calmon_trainer_transactions_failed_total}). A second trainer of the same deployment fences this
 * one: it stops with one log line and {@link #failure()} a {@code ProducerFencedException}.
 *
 * <p><b>Pending joins and accepted requests survive a restart</b> by being read again, not by being
 * stored: an image or label still waiting for its other half, and an accepted retrain request whose
 * version is not committed yet, hold their partition's committed offset ({@link InputOffsets}); the
 * commit's metadata marks how far the trainer had read, so records below the mark only refill the
 * join and are not learned from, dead-lettered or answered twice. A pair whose two halves were both
 * read before the restart counts as learned, and a record whose other half lies below its own
 * partition's committed offset waits again as if pending (it is evicted like any other); so a
 * duplicate image or label of an event already learned can be learned from again after a restart.
 */
public final class TrainerService implements CalmonService {
  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);

  private final TrainerSettings settings;
  private final ClipModel clip;
  private final CalmonTopics topics;
  private final TrainerCounters counters = new TrainerCounters();
  private final MetricsRegistry registry;
  private final CommitHook commitHook;
  private final EvidenceWait evidenceWait;
  private final ImagePreprocessor preprocessor;
  private final ImageLoader imageLoader;
  private final Retrainer retrainer;
  private final ExecutorService tuning;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final AvroSerde<ImageEvent> images;
  private final AvroSerde<Label> labels;
  private final AvroSerde<RetrainRequest> requests;
  private final AvroSerde<PromptVersion> versions;
  private final AvroSerde<ClassSet> classSets;
  private final AvroSerde<FewShotSample> samples = AvroSerde.of(FewShotSample.class);

  private volatile boolean running;
  private volatile Throwable failure;
  private Thread loop;
  private volatile TrainerIo io;

  // What a session knows: rebuilt from the committed state when a transaction fails.
  private FeatureStore store;
  private RetrainGate retrainGate;
  private EventLabelJoin<Input<ImageEvent>, Input<Label>> join;
  private volatile PromptVersion current;
  private volatile ClassSet classSet;

  /**
   * Every class of the deployment's class sets read since start-up: a label of a class the operator
   * has since dropped is still learned from (its event was scored while it was served).
   */
  private final Set<String> classesEverServed = new HashSet<>();

  private Future<Retrainer.Outcome> inFlight;
  private Retrainer.Job inFlightJob;
  private Waiting waiting;
  private Input<RetrainRequest> heldRequest; // accepted, its outcome not committed yet
  private final List<Runnable> afterCommit = new ArrayList<>();
  private int failuresInARow;

  /** An accepted request waiting for held-out examples from its evidence's start on. */
  private record Waiting(RetrainRequest request, Instant since) {}

  /** An input record's value and where it came from. */
  private record Input<T>(T value, TopicPartition partition, long offset, boolean replayed) {}

  /**
   * Called after a transaction's records and offsets were sent, before its commit. Tests inject
   * faults.
   */
  interface CommitHook {
    /**
     * @param transaction the transaction's number in this session, from 1
     * @param promptVersions prompt versions it holds
     */
    void beforeCommit(long transaction, int promptVersions);
  }

  /** Thrown by a {@link CommitHook} to simulate a crash: nothing committed, aborted or closed. */
  static final class SimulatedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) {
      super(message);
    }
  }

  /** The first wait after a failed transaction; it doubles up to {@link #MAX_RETRY_BACKOFF}. */
  static final Duration RETRY_BACKOFF = Duration.ofMillis(500);

  static final Duration MAX_RETRY_BACKOFF = Duration.ofSeconds(30);

  private MetricsServer metricsServer;

  public TrainerService(TrainerSettings settings, ClipModel clip) {
    this(settings, clip, (transaction, promptVersions) -> {});
  }

  TrainerService(TrainerSettings settings, ClipModel clip, CommitHook commitHook) {
    this.settings = settings;
    this.clip = clip;
    this.topics = settings.topics();
    this.commitHook = commitHook;
    ValueFormat format = settings.kafka().valueFormat();
    this.images = AvroSerde.of(ImageEvent.class, format);
    this.labels = AvroSerde.of(Label.class, format);
    this.requests = AvroSerde.of(RetrainRequest.class, format);
    this.versions = AvroSerde.of(PromptVersion.class, format);
    this.classSets = AvroSerde.of(ClassSet.class, format);
    resetState();
    this.evidenceWait = new EvidenceWait(2 * settings.minJudged(), settings.evidenceWait());
    this.preprocessor = new ImagePreprocessor(clip.config().vision().imageSize());
    this.imageLoader = new ImageLoader(clip.config().vision().imageSize(), settings.imageLimits());
    this.retrainer = new Retrainer(clip, settings);
    this.tuning =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "calmon-trainer-tuning-" + settings.deployment());
              t.setDaemon(true);
              return t;
            });
    this.registry = counters.registry(settings.deployment(), () -> isRunning() ? 1 : 0);
  }

  /**
   * Starts the metrics endpoint (when a port is set) and the polling thread, and returns; {@link
   * #awaitReady} waits for the state to load.
   *
   * @throws java.io.UncheckedIOException if the metrics port cannot be bound (nothing started)
   */
  @Override
  public synchronized TrainerService start() {
    if (loop != null) {
      throw new IllegalStateException("already started");
    }
    if (settings.metricsPort() > 0) {
      metricsServer =
          MetricsServer.start(
              settings.metricsHost(),
              settings.metricsPort(),
              registry,
              () ->
                  failure == null
                      ? Optional.empty()
                      : Optional.of("trainer stopped: " + failure.getMessage()));
    }
    running = true;
    loop = new Thread(this::run, "calmon-trainer-" + settings.deployment());
    loop.start();
    return this;
  }

  /**
   * Waits until the service has read the compacted topics, restored its reservoir, trained a first
   * version from the dataset if asked to, and subscribed.
   *
   * @return false if that did not happen within {@code timeout} or the service failed
   */
  @Override
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && failure == null;
  }

  /** The counters; readable from any thread. */
  public TrainerCounters counters() {
    return counters;
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

  /** The prompt version the trainer considers live (null: none yet, zero-shot is served). */
  public Optional<PromptVersion> currentVersion() {
    return Optional.ofNullable(current);
  }

  /** The error that stopped the service, if one did. */
  @Override
  public Throwable failure() {
    return failure;
  }

  @Override
  public boolean isRunning() {
    return running && loop != null && loop.isAlive();
  }

  /**
   * Stops polling, persists what changed, commits offsets and closes the clients and the metrics
   * endpoint; waits up to a minute for a run in progress to reach its next poll. An interrupt ends
   * the wait (the flag is kept).
   */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = loop;
    }
    TrainerIo i = io;
    if (i != null) {
      i.wakeup();
    }
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(60).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    tuning.shutdownNow();
    synchronized (this) {
      if (metricsServer != null) {
        metricsServer.close();
        metricsServer = null;
      }
    }
    registry.close();
  }

  /**
   * Sessions until a stop: each reads the committed state, then polls. A failed transaction ends
   * one; the next starts from what is committed after a backoff. Fencing ends them all.
   */
  private void run() {
    try {
      while (running) {
        try (TrainerIo kafka = new TrainerIo(settings, commitHook, registry.meters())) {
          io = kafka;
          session(kafka);
          return;
        } catch (TrainerIo.RolledBack e) {
          io = null;
          if (!running) {
            return;
          }
          resetState();
          if (!e.failed()) {
            LOG.info(
                "trainer {}: {}; reading the committed state again", deployment(), e.getMessage());
            continue;
          }
          counters.transactionsFailed.incrementAndGet();
          Duration backoff = backoff(++failuresInARow);
          LOG.warn(
              "trainer {}: {}; nothing of it was committed: reading the committed state again in {}",
              deployment(),
              e.getMessage(),
              backoff);
          sleepWhileRunning(backoff);
        }
      }
    } catch (ProducerFencedException e) {
      failure = e;
      LOG.error(
          "trainer {}: fenced: another trainer of deployment '{}' started with transactional id"
              + " {}; stopping",
          deployment(),
          settings.deployment(),
          settings.transactionalId());
    } catch (SimulatedCrash e) {
      LOG.warn("trainer {}: simulated crash: {}", deployment(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      failure = e;
      LOG.error("trainer {}: stopped by an error", deployment(), e);
    } finally {
      io = null;
      running = false;
      ready.countDown();
    }
  }

  /** The wait after the {@code n}th failed transaction in a row: doubling, at most 30 s. */
  static Duration backoff(int n) {
    Duration d = RETRY_BACKOFF.multipliedBy(1L << Math.min(n - 1, 16));
    return d.compareTo(MAX_RETRY_BACKOFF) > 0 ? MAX_RETRY_BACKOFF : d;
  }

  private void sleepWhileRunning(Duration d) throws InterruptedException {
    long end = System.nanoTime() + d.toNanos();
    while (running && System.nanoTime() < end) {
      Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
    }
  }

  /** Reads the committed state, then polls until a stop (persisting and committing each poll). */
  private void session(TrainerIo kafka) {
    kafka.readState(r -> onStateRecord(r, true));
    kafka.commit(Map.of(), false); // dead letters of the state read, before a long bootstrap
    LOG.info(
        "trainer {}: state loaded: prompt version {}, class set {}, reservoir {} examples of {}"
            + " classes, held-out {}",
        deployment(),
        current == null ? "none" : current.getVersion(),
        classSet == null ? "none" : classSet.getVersion(),
        store.reservoirSize(),
        store.reservoirClasses(),
        store.heldOutSize());
    updateGauges();
    if (current == null && settings.dataset() != null) {
      publish(timed(InitialDataset.job(settings, clip, preprocessor, classSet)), true);
      commit(kafka, false);
    }
    kafka.subscribe(() -> persistAndCommit(kafka, true));
    ready.countDown();
    try {
      while (running) {
        kafka.followState(r -> onStateRecord(r, false));
        for (ConsumerRecord<String, byte[]> r : kafka.poll(settings.pollTimeout())) {
          onRecord(r);
        }
        finishTuning();
        startWaitingRetrain();
        maybeBootstrapFromReservoir();
        persistAndCommit(kafka, false);
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    }
    // Graceful stop: what was learned from the last batch is kept and its offsets committed.
    persistAndCommit(kafka, false);
  }

  /**
   * Forgets everything read since the last commit, and everything before it: sessions start bare.
   */
  private void resetState() {
    store =
        new FeatureStore(
            settings.deployment(),
            settings.shots(),
            settings.heldOutPerClass(),
            settings.heldOutOneIn(),
            settings.tuning().seed());
    retrainGate = new RetrainGate(settings.cooldown());
    join = new EventLabelJoin<>(settings.pendingCapacity());
    current = null;
    classSet = null;
    classesEverServed.clear();
    inFlight = null; // a run still going on the tuning thread finishes unheard
    inFlightJob = null;
    waiting = null;
    heldRequest = null;
    afterCommit.clear();
    counters.retrainWaiting.set(0);
  }

  /**
   * Writes the changed features and commits them with everything sent since the last commit and the
   * input offsets; then counts what was published.
   */
  private void persistAndCommit(TrainerIo kafka, boolean force) {
    for (FewShotSample s : store.drainChanged()) {
      kafka.send(
          topics.trainerState().name(),
          FeatureStore.key(s),
          samples.serialize(topics.trainerState().name(), s));
    }
    commit(kafka, force);
    updateGauges();
  }

  private void commit(TrainerIo kafka, boolean force) {
    if (kafka.commit(holds(), force)) {
      failuresInARow = 0;
      afterCommit.forEach(Runnable::run);
      afterCommit.clear();
    }
  }

  /**
   * Per input partition, its oldest record still needed: a waiting image or label, the accepted
   * request whose outcome is not committed yet. Their offsets are not committed past them.
   */
  private Map<TopicPartition, Long> holds() {
    Map<TopicPartition, Long> holds = new HashMap<>();
    List<Input<?>> needed = new ArrayList<>(join.waitingImages());
    needed.addAll(join.waitingLabels());
    if (heldRequest != null) {
      needed.add(heldRequest);
    }
    for (Input<?> in : needed) {
      holds.merge(in.partition(), in.offset(), Math::min);
    }
    return holds;
  }

  private String deployment() {
    return settings.deployment();
  }

  /**
   * @param initial true while the state is read at start; later, the trainer's own features are not
   *     read back (it is their only writer, and an older copy would undo newer examples)
   */
  private void onStateRecord(ConsumerRecord<String, byte[]> r, boolean initial) {
    try {
      if (r.value() == null || (!initial && r.topic().equals(topics.trainerState().name()))) {
        return;
      }
      if (r.topic().equals(topics.promptVersions().name())) {
        PromptVersion v = versions.deserialize(r.topic(), r.value());
        if (settings.deployment().equals(v.getDeployment())
            && (current == null || v.getVersion() >= current.getVersion())) {
          current = v;
        }
      } else if (r.topic().equals(topics.classSets().name())) {
        ClassSet c = classSets.deserialize(r.topic(), r.value());
        if (settings.deployment().equals(c.getDeployment())
            && (classSet == null || c.getVersion() >= classSet.getVersion())) {
          classSet = c;
        }
        if (settings.deployment().equals(c.getDeployment())) {
          classesEverServed.addAll(c.getClassNames());
        }
      } else {
        store.restore(samples.deserialize(r.topic(), r.value()));
      }
    } catch (RecordDecodingException e) {
      // Dead-lettered when read, at start-up or while running: the previous version stays in use.
      // A restart reads the topic again and dead-letters an old bad record again (at least once).
      deadLetter(r, e.reason().name(), e.getMessage());
    }
  }

  /**
   * One input record. A replay (read before the last commit, see {@link InputOffsets}) only refills
   * the join: it is not learned from twice, dead-lettered twice or answered twice.
   */
  private void onRecord(ConsumerRecord<String, byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    boolean replayed = io.offsets().isReplay(tp, r.offset());
    try {
      if (r.value() == null) {
        return;
      }
      if (r.key() == null || r.key().isEmpty()) {
        if (!replayed) {
          deadLetter(r, "MISSING_KEY", "the record has no key; calmon keys every input record");
        }
        return;
      }
      String topic = r.topic();
      if (topic.equals(topics.imageEvents().name())) {
        ImageEvent e = images.deserialize(topic, r.value());
        if (settings.deployment().equals(e.getDeployment())) {
          Input<ImageEvent> in = new Input<>(e, tp, r.offset(), replayed);
          join.image(e.getEventId(), in).ifPresent(j -> learn(r, j));
        }
      } else if (topic.equals(topics.labels().name())) {
        Label l = labels.deserialize(topic, r.value());
        if (settings.deployment().equals(l.getDeployment())) {
          Refusal refused = refusal(l);
          if (refused != null) {
            if (!replayed) {
              deadLetter(r, refused.type(), refused.reason());
            }
            return;
          }
          Input<Label> in = new Input<>(l, tp, r.offset(), replayed);
          join.label(l.getEventId(), in).ifPresent(j -> learn(r, j));
        }
      } else if (topic.equals(topics.retrainRequests().name())) {
        RetrainRequest q = requests.deserialize(topic, r.value());
        if (settings.deployment().equals(q.getDeployment())
            && (!replayed || io.offsets().heldTheOffset(tp, r.offset()))) {
          onRetrainRequest(new Input<>(q, tp, r.offset(), replayed));
        }
      }
      counters.pendingEvicted.set(join.evicted());
    } catch (RecordDecodingException e) {
      if (!replayed) {
        deadLetter(r, e.reason().name(), e.getMessage());
      }
    }
  }

  /** Why a label cannot be learned from: a dead-letter type and a sentence. */
  private record Refusal(String type, String reason) {}

  /**
   * A label without a class (INVALID_LABEL) or of a class in none of the deployment's class sets
   * (UNKNOWN_CLASS, as the monitor says) is refused: the class set is the operator's ({@code calmon
   * classes}); before the first one, any class is taken. A class of an earlier class set is taken
   * (a label arrives after its event, perhaps after the class set moved on). Null when the label is
   * fine.
   */
  private Refusal refusal(Label label) {
    String trueClass = label.getTrueClass();
    if (trueClass == null || trueClass.isBlank()) {
      return new Refusal("INVALID_LABEL", "event " + label.getEventId() + ": it names no class");
    }
    ClassSet served = classSet;
    if (served != null
        && !served.getClassNames().contains(trueClass)
        && !classesEverServed.contains(trueClass)) {
      return new Refusal(
          "UNKNOWN_CLASS",
          "event "
              + label.getEventId()
              + ": true class '"
              + trueClass
              + "' is in none of the class sets of deployment "
              + settings.deployment()
              + " (latest: version "
              + served.getVersion()
              + ")");
    }
    return null;
  }

  private void learn(
      ConsumerRecord<String, byte[]> r,
      EventLabelJoin.Joined<Input<ImageEvent>, Input<Label>> pair) {
    if (pair.image().replayed() && pair.label().replayed()) {
      return; // both read before the last commit: learned from then
    }
    var j = new EventLabelJoin.Joined<>(pair.eventId(), pair.image().value(), pair.label().value());
    counters.eventsJoined.incrementAndGet();
    try {
      FeatureStore.Outcome o =
          store.add(
              j.eventId(),
              j.label().getTrueClass(),
              j.image().getEventTime().toEpochMilli(),
              () -> encode(j.image()));
      if (o == FeatureStore.Outcome.HELD_OUT) {
        counters.heldOutAdded.incrementAndGet();
      }
    } catch (ImageRejectedException e) {
      // The scorer's reasons (CORRUPT_IMAGE, IMAGE_TOO_LARGE, URI_NOT_ALLOWED, ...): skipped.
      LOG.debug("trainer {}: {}", settings.deployment(), e.getMessage(), e);
      deadLetter(r, e.reason().name(), e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException e) {
      deadLetter(r, "CORRUPT_IMAGE", "event " + j.eventId() + ": " + e.getMessage());
    }
  }

  /** The image's features, loaded as the scorer loads it ({@link ImageLoader}, same limits). */
  private float[] encode(ImageEvent e) {
    float[] pixels =
        imageLoader.pixels("event " + e.getEventId(), e.getImageBytes(), e.getImageUri());
    counters.examplesEncoded.incrementAndGet();
    return clip.imageFeatures(List.of(pixels))[0];
  }

  private void onRetrainRequest(Input<RetrainRequest> in) {
    RetrainRequest q = in.value();
    String id = q.getRequestId().toString();
    counters.retrainRequests.incrementAndGet();
    TrainerCounters.Skip kind = null;
    String skip = null;
    if (current != null && id.equals(current.getTriggerId())) {
      kind = TrainerCounters.Skip.DUPLICATE;
      skip = "already answered by prompt version " + current.getVersion();
    } else if (inFlight != null) {
      kind = TrainerCounters.Skip.IN_PROGRESS;
      skip = "a retraining is already running for request " + inFlightJob.triggerId();
    } else if (waiting != null) {
      kind = TrainerCounters.Skip.IN_PROGRESS;
      skip =
          "request "
              + waiting.request().getRequestId()
              + " is waiting for held-out examples newer than its evidence";
    } else {
      Optional<RetrainGate.Skip> gate = retrainGate.consider(id, Instant.now());
      if (gate.isPresent()) {
        kind =
            gate.get().kind() == RetrainGate.SkipKind.DUPLICATE
                ? TrainerCounters.Skip.DUPLICATE
                : TrainerCounters.Skip.COOLDOWN;
        skip = gate.get().reason();
      }
    }
    if (kind != null) {
      counters.retrainsSkipped.get(kind).incrementAndGet();
      LOG.info("trainer {}: retrain {} skipped: {}", settings.deployment(), id, skip);
      return;
    }
    List<String> base = retrainClasses();
    if (base.isEmpty()) {
      counters.retrainsRejected.incrementAndGet();
      String reason =
          "no "
              + (settings.retrainClasses() == TrainerSettings.RetrainClasses.VERSION_BASE
                      && current != null
                  ? "base class of prompt version " + current.getVersion()
                  : "class")
              + " has "
              + settings.minShots()
              + " examples in the reservoir yet";
      LOG.info("trainer {}: retrain {} rejected: {}", settings.deployment(), id, reason);
      io.alert(settings, current, reason, 0, 0);
      return;
    }
    counters.retrainsAccepted.incrementAndGet();
    waiting = new Waiting(q, Instant.now());
    heldRequest = in; // read again after a restart until its outcome is committed
    counters.retrainWaiting.set(1);
    if (startWaitingRetrain() == EvidenceWait.Step.WAIT) {
      LOG.info(
          "trainer {}: retrain {} accepted; waiting (at most {}) for {} held-out examples from its"
              + " evidence's start {} on: {} so far",
          settings.deployment(),
          id,
          settings.evidenceWait(),
          evidenceWait.needed(),
          q.getEvidenceFrom(),
          store.heldOutSince(q.getEvidenceFrom().toEpochMilli(), servedClasses()));
    }
  }

  /**
   * Starts the waiting request's tuning run once {@link EvidenceWait} says on which held-out
   * examples; called after every poll.
   *
   * @return what was decided (null when nothing waits or a run is in flight)
   */
  private EvidenceWait.Step startWaitingRetrain() {
    Waiting w = waiting;
    if (w == null || inFlight != null) {
      return null;
    }
    RetrainRequest q = w.request();
    Long from = q.getEvidenceFrom() == null ? null : q.getEvidenceFrom().toEpochMilli();
    // Only examples of the served classes can judge a candidate (a class set may have moved on).
    long available = from == null ? 0 : store.heldOutSince(from, servedClasses());
    Duration waited = Duration.between(w.since(), Instant.now());
    EvidenceWait.Step step = evidenceWait.decide(from, available, waited);
    if (step == EvidenceWait.Step.WAIT) {
      return step;
    }
    Map<String, List<float[]>> heldOut;
    String heldOutFrom;
    if (step == EvidenceWait.Step.ON_EVIDENCE) {
      heldOut = store.heldOutByClass(from);
      heldOutFrom = "evidence start " + q.getEvidenceFrom();
    } else {
      heldOut = store.heldOutByClass();
      heldOutFrom =
          from == null
              ? "newest"
              : String.format(
                  Locale.ROOT,
                  "newest (%d from evidence start %s after %ds, %d wanted)",
                  available,
                  q.getEvidenceFrom(),
                  waited.toSeconds(),
                  evidenceWait.needed());
    }
    waiting = null;
    counters.retrainWaiting.set(0);
    String id = q.getRequestId().toString();
    List<String> base = retrainClasses();
    LOG.info(
        "trainer {}: retrain {}: tuning {} on base classes {}, held-out examples: {} ({})",
        settings.deployment(),
        id,
        settings.tuningFor(current == null).method(),
        base,
        heldOutFrom,
        q.getReason());
    submit(reservoirJob(id, base, true, heldOut, heldOutFrom));
    return step;
  }

  private Retrainer.Job reservoirJob(
      String triggerId,
      List<String> base,
      boolean gated,
      Map<String, List<float[]>> heldOut,
      String heldOutFrom) {
    List<float[][]> train = new ArrayList<>();
    List<float[][]> val = new ArrayList<>();
    for (String c : base) {
      train.add(store.reservoirExamples(c).toArray(float[][]::new));
      val.add(new float[0][]);
    }
    return new Retrainer.Job(
        triggerId,
        current,
        servedClasses(),
        knownClasses(),
        base,
        train,
        val,
        heldOut,
        heldOutFrom,
        gated);
  }

  /** What scorers serve: the class set's classes, or before one exists every class known. */
  private List<String> servedClasses() {
    return classSet != null ? List.copyOf(classSet.getClassNames()) : knownClasses();
  }

  /** The version of the class set read last; 0 before one. */
  long classSetVersion() {
    ClassSet c = classSet;
    return c == null ? 0 : c.getVersion();
  }

  /** The class set's classes, then classes the reservoir knows that it lacks. */
  private List<String> knownClasses() {
    LinkedHashSet<String> all = new LinkedHashSet<>();
    if (classSet != null) {
      all.addAll(classSet.getClassNames());
    }
    all.addAll(store.knownClasses());
    return List.copyOf(all);
  }

  /**
   * The classes a retraining tunes on: those with {@code minShots} reservoir examples, only the
   * serving version's base classes among them when the settings say so.
   */
  private List<String> retrainClasses() {
    List<String> ready = store.readyClasses(settings.minShots());
    if (settings.retrainClasses() != TrainerSettings.RetrainClasses.VERSION_BASE
        || current == null) {
      return ready;
    }
    return ready.stream().filter(current.getBaseClasses()::contains).toList();
  }

  private void submit(Retrainer.Job job) {
    inFlightJob = job;
    inFlight = tuning.submit(() -> timed(job));
  }

  /** Runs one tuning job, recording how long it took whatever its outcome. */
  private Retrainer.Outcome timed(Retrainer.Job job) {
    long start = System.nanoTime();
    try {
      return retrainer.run(job);
    } finally {
      counters.lastTrainingNanos.set(System.nanoTime() - start);
    }
  }

  private void finishTuning() {
    if (inFlight == null || !inFlight.isDone()) {
      return;
    }
    Retrainer.Job job = inFlightJob;
    Future<Retrainer.Outcome> done = inFlight;
    inFlight = null;
    inFlightJob = null;
    if (job.triggerId() != null) {
      heldRequest = null; // its outcome goes out in this poll's transaction
    }
    try {
      publish(done.get(), !job.gated());
    } catch (java.util.concurrent.ExecutionException e) {
      counters.retrainsRejected.incrementAndGet();
      String reason = "tuning failed: " + e.getCause();
      LOG.warn(
          "trainer {}: retrain {} rejected: {}", settings.deployment(), job.triggerId(), reason);
      io.alert(settings, current, reason, 0, 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** When no version exists and no dataset was given: tune one once every class has min shots. */
  private void maybeBootstrapFromReservoir() {
    if (current != null || inFlight != null || settings.dataset() != null) {
      return;
    }
    List<String> classes = knownClasses();
    List<String> ready = store.readyClasses(settings.minShots());
    if (classes.size() >= 2 && ready.containsAll(classes)) {
      LOG.info(
          "trainer {}: no prompt version yet; tuning version 1 from the reservoir on {}",
          settings.deployment(),
          classes);
      submit(reservoirJob(null, classes, false, store.heldOutByClass(), "newest"));
    }
  }

  private void publish(Retrainer.Outcome o, boolean bootstrap) {
    PromptVersion v = sign(o.candidate());
    if (o.rejection().isPresent()) {
      counters.retrainsRejected.incrementAndGet();
      String reason = o.rejection().get();
      LOG.info(
          "trainer {}: retrain {} rejected: candidate version {}: {}",
          settings.deployment(),
          v.getTriggerId(),
          v.getVersion(),
          reason);
      double[] numbers = TrainerIo.thresholdAndObserved(settings, o);
      io.alert(settings, current, reason, numbers[0], numbers[1]);
      return;
    }
    // A version's base classes are served, except those the operator has dropped from the class
    // set (a retraining on the served version's base classes keeps classes no longer served).
    List<String> served = new ArrayList<>(servedClasses());
    for (String c : v.getBaseClasses()) {
      if (!served.contains(c) && !classesEverServed.contains(c)) {
        served.add(c);
      }
    }
    if (classSet == null || !classSet.getClassNames().equals(served)) {
      ClassSet next =
          ClassSet.newBuilder()
              .setDeployment(settings.deployment())
              .setVersion(classSet == null ? 1 : classSet.getVersion() + 1)
              .setCreatedAt(Instant.now())
              .setClassNames(served)
              .build();
      io.send(
          topics.classSets().name(),
          settings.deployment(),
          classSets.serialize(topics.classSets().name(), next));
      classSet = next;
      afterCommit.add(counters.classSetsPublished::incrementAndGet);
    }
    io.send(
        topics.promptVersions().name(),
        settings.deployment(),
        versions.serialize(topics.promptVersions().name(), v));
    // Live for this session's next decisions; a failed commit ends the session and forgets it.
    current = v;
    afterCommit.add(
        () -> {
          counters.versionsPublished.incrementAndGet();
          LOG.info(
              "trainer {}: published prompt version {} (parent {}, trigger {}, {}base classes {},"
                  + " held-out n={} acc {} -> {}, ece {} -> {}, T={}, {})",
              settings.deployment(),
              v.getVersion(),
              v.getParentVersion(),
              v.getTriggerId(),
              bootstrap ? "bootstrap, " : "",
              v.getBaseClasses(),
              o.candidateScore().n(),
              o.currentScore().accuracy(),
              o.candidateScore().accuracy(),
              o.currentScore().ece(),
              o.candidateScore().ece(),
              v.getTemperature(),
              v.getSigningKeyId() == null ? "unsigned" : "signed by key " + v.getSigningKeyId());
        });
  }

  /**
   * The version as published: signed with the settings' key (over its final content, after any
   * change such as a refitted temperature), or, without a key, with no signature at all (a
   * recalibrated copy of a signed version must not carry the old signature).
   */
  private PromptVersion sign(PromptVersion v) {
    SigningKey key = settings.signingKey();
    if (key != null) {
      return key.sign(v);
    }
    return PromptVersion.newBuilder(v).setSigningKeyId(null).setSignature(null).build();
  }

  private void deadLetter(ConsumerRecord<String, byte[]> r, String type, String reason) {
    counters.badRecords.incrementAndGet();
    LOG.warn(
        "trainer {}: {} {}-{}@{}: {}",
        settings.deployment(),
        type,
        r.topic(),
        r.partition(),
        r.offset(),
        reason);
    io.deadLetter(r, "trainer-" + settings.deployment(), type, reason);
  }

  private void updateGauges() {
    counters.reservoirExamples.set(store.reservoirSize());
    counters.reservoirClasses.set(store.reservoirClasses());
    counters.reservoirShots = Map.copyOf(store.reservoirShots());
    counters.classesReady.set(store.readyClasses(settings.minShots()).size());
    counters.heldOutExamples.set(store.heldOutSize());
    PromptVersion live = current;
    counters.promptVersion.set(live == null ? 0 : live.getVersion());
  }
}
