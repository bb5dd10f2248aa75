package io.calmon.scorer;

import io.calmon.kafka.TopicFollower;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.serde.RecordCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import io.calmon.schemas.signing.PromptCheck;
import io.calmon.scorer.ScoringContextCompiler.RefusedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the deployment's latest {@code PromptVersion} and {@code ClassSet} on their compacted
 * topics and keeps the compiled {@link ScoringContext} current, so scorers hot-swap without a
 * restart. A plain consumer, no group: every instance reads every partition from the beginning and
 * keeps polling. Text features are recomputed once per change of either record (per poll, not per
 * record), on this thread, and swapped in atomically.
 *
 * <p>A prompt version is served only if a trusted key signed it ({@link ScorerConfig#trustedKeys()}
 * ; unsigned ones too where {@link ScorerConfig#allowUnsignedPrompts()}) and its numbers are
 * finite: else it is refused (one log line, counted by {@link PromptCheck} reason) before anything
 * else is read from it, its version number included. A prompt version tuned on other weights, or
 * with a context of the wrong shape, is refused (logged, counted) and the previous one stays live.
 * Prompt versions only move forward: a version not newer than the one served or already read in the
 * same poll (a replay, an older version re-published) is ignored and counted ({@code
 * calmon_scorer_prompt_versions_ignored_total}). Undecodable records on these topics are logged and
 * counted but not dead-lettered: every scorer instance reads them, so each would dead-letter the
 * same record.
 *
 * <p>Whenever a tuned prompt version starts serving a class set, its {@link PromptHealth} (the text
 * features' shift from the template's, per group of classes, no image or label) goes to the health
 * sink; a failure to measure is logged and never stops serving.
 */
final class LivePrompt implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LivePrompt.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final ScorerConfig config;
  private final ScoringContextCompiler compiler;
  private final ScorerMetrics metrics;
  private final Consumer<PromptHealth> health;
  private final TopicFollower follower;
  private final RecordCodec<PromptVersion> promptCodec;
  private final RecordCodec<ClassSet> classSetCodec;
  private final AtomicReference<ScoringContext> current = new AtomicReference<>();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean started;
  private volatile Throwable failure;

  private PromptVersion acceptedPrompt; // the live tuned prompt, null = zero-shot
  private ClassSet acceptedClassSet;
  private PromptVersion offeredPrompt; // read in this poll, not yet compiled
  private ClassSet offeredClassSet;

  /**
   * @param health where each served tuned prompt's health goes (the scorer publishes it)
   */
  LivePrompt(
      ScorerConfig config,
      ScoringContextCompiler compiler,
      ScorerMetrics metrics,
      Consumer<PromptHealth> health) {
    this.config = config;
    this.compiler = compiler;
    this.metrics = metrics;
    this.health = health;
    this.promptCodec =
        config
            .kafka()
            .valueFormat()
            .codec(PromptVersion.class, config.topics().promptVersions().name());
    this.classSetCodec =
        config.kafka().valueFormat().codec(ClassSet.class, config.topics().classSets().name());
    this.follower =
        new TopicFollower(
            config.bootstrapServers(), config.kafka(), config.transactionalId() + "-prompts");
    this.thread = new Thread(this::run, "calmon-scorer-prompts-" + config.instanceId());
    thread.setDaemon(true);
  }

  void start() {
    started = true;
    thread.start();
  }

  /** The context to score with now; null until a class set has been accepted. */
  ScoringContext current() {
    return current.get();
  }

  /**
   * Waits until the compacted topics have been read up to their end offsets as of start-up, so the
   * first batch is scored with the latest version rather than an older one.
   *
   * @return false if {@code timeout} passed first
   */
  boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Why the reader thread died, or null while it is healthy. */
  Throwable failure() {
    return failure;
  }

  private void run() {
    try {
      follower.assignFromBeginning(
          List.of(config.topics().promptVersions().name(), config.topics().classSets().name()),
          Duration.ofSeconds(30));
      Map<TopicPartition, Long> startEnds = follower.endOffsets();
      while (running) {
        accept(follower.poll(POLL));
        if (caughtUp.getCount() > 0 && follower.reached(startEnds)) {
          LOG.info(
              "{}: read prompt versions and class sets; serving {}",
              config.deployment(),
              current.get() == null ? "nothing yet (no class set)" : current.get());
          caughtUp.countDown();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        failure = e;
      }
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("{}: the prompt-version reader failed; scoring stops", config.deployment(), e);
    } finally {
      caughtUp.countDown(); // never leave the scorer waiting on a reader that has stopped
      follower.close();
    }
  }

  /** Takes one poll's records in and serves what they change, once. */
  void accept(Iterable<ConsumerRecord<String, byte[]>> records) {
    boolean changed = false;
    for (ConsumerRecord<String, byte[]> r : records) {
      changed |= offer(r);
    }
    if (changed) {
      recompile();
    }
  }

  /** Takes one record in; true if it changes what should be served. */
  private boolean offer(ConsumerRecord<String, byte[]> r) {
    if (!config.deployment().equals(r.key()) || r.value() == null) {
      return false; // another deployment's record, or a tombstone: nothing to serve from it
    }
    try {
      if (r.topic().equals(config.topics().classSets().name())) {
        offeredClassSet = classSetCodec.decode(r.value());
        return true;
      }
      PromptVersion prompt = promptCodec.decode(r.value());
      if (!trusted(r, prompt)) {
        return false;
      }
      PromptVersion newest = offeredPrompt != null ? offeredPrompt : acceptedPrompt;
      if (newest != null && prompt.getVersion() <= newest.getVersion()) {
        metrics.promptVersionIgnored();
        LOG.info(
            "{}-{}@{}: prompt version {} ignored: not newer than version {}",
            r.topic(),
            r.partition(),
            r.offset(),
            prompt.getVersion(),
            newest.getVersion());
        return false;
      }
      compiler.check(prompt);
      offeredPrompt = prompt;
      return true;
    } catch (RecordDecodingException e) {
      metrics.promptRefused(e.reason().name());
      LOG.warn(
          "{}-{}@{}: undecodable record skipped: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getMessage());
    } catch (RefusedException e) {
      metrics.promptRefused(e.errorType());
      LOG.warn(
          "{}-{}@{}: {} refused, still serving {}: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          e.errorType(),
          current.get(),
          e.getMessage());
    }
    return false;
  }

  /**
   * Whether the version is signed by a trusted key (or unsigned where that is allowed) with finite
   * numbers; if not, it is counted and logged in one line, and the served context stays.
   */
  private boolean trusted(ConsumerRecord<String, byte[]> r, PromptVersion prompt) {
    PromptCheck check = config.trustedKeys().check(prompt);
    if (check == PromptCheck.SIGNED
        || (check == PromptCheck.UNSIGNED && config.allowUnsignedPrompts())) {
      return true;
    }
    metrics.promptRefused(check.name());
    LOG.warn(
        "{}-{}@{}: prompt version {} refused ({}): {}; still serving {}",
        r.topic(),
        r.partition(),
        r.offset(),
        prompt.getVersion(),
        check,
        check.describe(prompt),
        current.get());
    return false;
  }

  private void recompile() {
    ClassSet classSet = offeredClassSet != null ? offeredClassSet : acceptedClassSet;
    PromptVersion offered = offeredPrompt;
    offeredClassSet = null;
    offeredPrompt = null;
    if (classSet == null) {
      if (offered != null) {
        acceptedPrompt = offered; // checked against the model; compiled when a class set arrives
      }
      return;
    }
    if (offered != null && serve(offered, classSet)) {
      return;
    }
    if (classSet != acceptedClassSet) {
      serve(acceptedPrompt, classSet); // a new class set under the prompt already live
    }
  }

  private boolean serve(PromptVersion prompt, ClassSet classSet) {
    try {
      ScoringContext next =
          prompt == null ? compiler.zeroShot(classSet) : compiler.tuned(prompt, classSet);
      acceptedPrompt = prompt;
      acceptedClassSet = classSet;
      current.set(next);
      metrics.serving(next);
      LOG.info("{}: now serving {}", config.deployment(), next);
      if (prompt != null) {
        measureHealth(prompt, next);
      }
      return true;
    } catch (RefusedException e) {
      metrics.promptRefused(e.errorType());
      LOG.warn(
          "{}: {} refused, still serving {}: {}",
          config.deployment(),
          e.errorType(),
          current.get(),
          e.getMessage());
      return false;
    }
  }

  private void measureHealth(PromptVersion prompt, ScoringContext served) {
    try {
      health.accept(compiler.health(prompt, served, config.instanceId(), Instant.now()));
    } catch (RuntimeException e) {
      LOG.warn(
          "{}: the text-feature health of {} was not measured: {}",
          config.deployment(),
          served,
          e.getMessage());
    }
  }

  /**
   * Wakes the reader's consumer up while it runs: the reader dies as on any unexpected error (for
   * tests of what the scorer does then).
   */
  void wakeUpReader() {
    follower.wakeup();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    if (!started) {
      follower.close();
      return;
    }
    follower.wakeup();
    thread.join(Duration.ofSeconds(30).toMillis());
  }
}
