package io.calmon.scorer;

import io.calmon.kafka.TransactionCommit;
import io.calmon.scorer.BatchScorer.Scored;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits scored records: their outputs and their input offsets in one transaction, so that no
 * record can stall a partition.
 *
 * <p>An <b>open transaction</b> collects several micro-batches: {@link #append} begins it on the
 * first and sends each batch's outputs at once (the producer ships them while the next batch is
 * scored); {@link #commitOpen} adds every input offset it holds and commits. If that fails, the
 * records it holds go through the same steps as a single {@link #commit}:
 *
 * <ol>
 *   <li>A transaction that fails (and is aborted) is tried again, up to {@code attempts} times in
 *       all, with exponential backoff.
 *   <li>A batch that still fails is isolated: its records are committed one transaction each, in
 *       order (so each partition's offsets still only move forward), with the same retries.
 *   <li>A single record that still fails is dead-lettered alone ({@code SEND_FAILED}, naming what
 *       the broker said), with its offset; the rest of the batch is scored.
 *   <li>If even that dead letter cannot be committed, the broker itself is in trouble: the records
 *       not committed are handed back to be re-read after the next poll.
 * </ol>
 *
 * <p>A failure caused by a group change (a rebalance, an expired member) hands the batch back at
 * once: polling again resolves it. A {@code commitTransaction()} that times out is committed again,
 * never aborted (the commit may already be completing; the producer refuses an abort then); if it
 * still times out after {@code attempts} tries the instance stops. Fatal producer errors (fenced,
 * out-of-order sequence, authorization, unsupported version) propagate: the instance stops.
 */
final class BatchCommitter {

  private static final Logger LOG = LoggerFactory.getLogger(BatchCommitter.class);

  /** How the committer waits between attempts (tests: not at all). */
  interface Sleeper {
    /** Waits; an interrupt ends the wait early and stays set. */
    void sleep(Duration duration);

    /** {@link Thread#sleep}, keeping an interrupt for the caller to see. */
    static void real(Duration duration) {
      try {
        Thread.sleep(duration.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** What was committed, and the input records that were not (to be re-read), in input order. */
  record Outcome(List<Scored> committed, List<ConsumerRecord<byte[], byte[]>> uncommitted) {}

  /** Thrown when commits keep timing out: nothing else may be done with the producer. */
  static final class CommitTimedOut extends KafkaException {
    private static final long serialVersionUID = 1L;

    CommitTimedOut(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Producer<byte[], byte[]> producer;
  private final Supplier<ConsumerGroupMetadata> group;
  private final BatchScorer letters;
  private final ScorerService.CommitHook hook;
  private final ScorerMetrics metrics;
  private final Sleeper sleeper;
  private final int attempts;
  private final Duration backoff;
  private int transactions;

  /** The records of the open transaction, in the order they were sent; empty when none is open. */
  private final List<Scored> open = new ArrayList<>();

  private boolean inTransaction;
  private long openBytes;

  /** A send of the open transaction that failed at once; the commit aborts instead. */
  private KafkaException openFailure;

  BatchCommitter(
      Producer<byte[], byte[]> producer,
      Supplier<ConsumerGroupMetadata> group,
      BatchScorer letters,
      ScorerService.CommitHook hook,
      ScorerMetrics metrics,
      Sleeper sleeper,
      int attempts,
      Duration backoff) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
    this.producer = producer;
    this.group = group;
    this.letters = letters;
    this.hook = hook;
    this.metrics = metrics;
    this.sleeper = sleeper;
    this.attempts = attempts;
    this.backoff = backoff;
  }

  /**
   * Sends {@code batch}'s outputs in the open transaction, beginning one if none is open. A send
   * the producer refuses at once fails the transaction, which {@link #commitOpen} then aborts and
   * retries.
   */
  void append(List<Scored> batch) {
    if (batch.isEmpty()) {
      return;
    }
    if (!inTransaction) {
      producer.beginTransaction();
      inTransaction = true;
    }
    open.addAll(batch);
    for (Scored s : batch) {
      openBytes += bytes(s);
    }
    if (openFailure != null) {
      return; // already failed: nothing more is sent, the commit aborts and retries
    }
    try {
      sendAll(batch);
    } catch (KafkaException e) {
      if (e instanceof ProducerFencedException
          || e instanceof OutOfOrderSequenceException
          || e instanceof AuthorizationException
          || e instanceof UnsupportedVersionException) {
        throw e; // fatal: the instance stops
      }
      openFailure = e;
    } catch (RuntimeException | Error e) {
      abortQuietly(e);
      throw e;
    }
  }

  /** Whether a transaction is open (records appended, not yet committed or aborted). */
  boolean isOpen() {
    return inTransaction;
  }

  /** Records in the open transaction. */
  int openRecords() {
    return open.size();
  }

  /** Bytes of keys and values (inputs and outputs) the open transaction holds for a retry. */
  long openBytes() {
    return openBytes;
  }

  /**
   * Commits the open transaction (nothing if none is open): its outputs were sent; now its input
   * offsets and the commit. If that fails, it is aborted and its records are committed as {@link
   * #commit} does from its second attempt on (retries, then record by record, dead letters).
   */
  Outcome commitOpen() {
    if (!inTransaction) {
      return new Outcome(List.of(), List.of());
    }
    List<Scored> batch = List.copyOf(open);
    KafkaException failed = openFailure;
    clearOpen();
    try {
      finish(
          batch,
          () -> {
            if (failed != null) {
              throw failed;
            }
          });
      return new Outcome(batch, List.of());
    } catch (CommitTimedOut e) {
      throw e;
    } catch (KafkaException e) {
      return groupChanged(batch, e, 1)
          ? new Outcome(List.of(), inputs(batch))
          : attempt(batch, 2, e);
    }
  }

  /**
   * Aborts the open transaction (partitions were lost: its offsets can no longer be committed) and
   * hands back its input records, to be re-read by whoever owns their partitions now.
   */
  List<ConsumerRecord<byte[], byte[]>> abortOpen() {
    if (!inTransaction) {
      return List.of();
    }
    List<ConsumerRecord<byte[], byte[]>> inputs = inputs(open);
    clearOpen();
    metrics.transactionAborted();
    producer.abortTransaction();
    return inputs;
  }

  /**
   * Forgets the open transaction without touching the producer (it was fenced: it can neither
   * commit nor abort; the broker aborts the transaction) and returns its inputs, to be read again.
   */
  List<ConsumerRecord<byte[], byte[]>> forgetOpen() {
    List<ConsumerRecord<byte[], byte[]>> inputs = inputs(open);
    clearOpen();
    return inputs;
  }

  private void clearOpen() {
    open.clear();
    openBytes = 0;
    openFailure = null;
    inTransaction = false;
  }

  /** Commits {@code batch} (see the class comment); counts what was committed in the metrics. */
  Outcome commit(List<Scored> batch) {
    return attempt(batch, 1, null);
  }

  /** Attempts {@code from} on of {@code batch}; then isolation or a dead letter. */
  private Outcome attempt(List<Scored> batch, int from, KafkaException previous) {
    KafkaException last = previous;
    for (int attempt = from; attempt <= attempts; attempt++) {
      try {
        transaction(batch);
        return new Outcome(batch, List.of());
      } catch (CommitTimedOut e) {
        throw e;
      } catch (KafkaException e) {
        if (groupChanged(batch, e, attempt)) {
          return new Outcome(List.of(), inputs(batch));
        }
        last = e;
      }
    }
    return batch.size() > 1 ? isolate(batch) : deadLetterAlone(batch.get(0), last);
  }

  /**
   * After attempt {@code attempt} of {@code batch} failed with {@code e}: true if the group moved
   * on (the batch is handed back at once: polling again resolves it), else logs it and waits before
   * the next attempt.
   */
  private boolean groupChanged(List<Scored> batch, KafkaException e, int attempt) {
    if (groupChanged(e)) {
      LOG.info("transaction of {} records aborted by a group change: {}", batch.size(), why(e));
      return true;
    }
    LOG.warn(
        "transaction of {} records aborted (attempt {} of {}): {}",
        batch.size(),
        attempt,
        attempts,
        why(e));
    if (attempt < attempts) {
      sleeper.sleep(backoff.multipliedBy(1L << (attempt - 1)));
    }
    return false;
  }

  private Outcome isolate(List<Scored> batch) {
    LOG.warn("a batch of {} records keeps failing; committing them one by one", batch.size());
    List<Scored> committed = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Outcome one = commit(List.of(batch.get(i)));
      committed.addAll(one.committed());
      if (!one.uncommitted().isEmpty()) {
        return new Outcome(committed, inputs(batch.subList(i, batch.size())));
      }
    }
    return new Outcome(committed, List.of());
  }

  private Outcome deadLetterAlone(Scored failing, KafkaException last) {
    ConsumerRecord<byte[], byte[]> r = failing.input();
    if (failing.skipped()) {
      // Nothing of its own was sent: the broker failed on the offsets alone, not on the record.
      return new Outcome(List.of(), List.of(r));
    }
    String what = failing.isPrediction() ? "prediction" : failing.deadLetterType() + " dead letter";
    Scored letter =
        letters.deadLetter(
            r,
            "SEND_FAILED",
            "the broker refused this event's "
                + what
                + " "
                + attempts
                + " times; it said: "
                + why(last));
    try {
      transaction(List.of(letter));
      LOG.warn(
          "{}-{}@{} dead-lettered: its {} kept failing",
          r.topic(),
          r.partition(),
          r.offset(),
          what);
      return new Outcome(List.of(letter), List.of());
    } catch (CommitTimedOut e) {
      throw e;
    } catch (KafkaException e) {
      LOG.warn(
          "the dead letter for {}-{}@{} failed too; will re-read: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          why(e));
      return new Outcome(List.of(), List.of(r));
    }
  }

  /**
   * One transaction: the outputs, the offsets, the commit. Ends committed or aborted, except on a
   * fatal error (closing the producer ends it) or a simulated crash (which must leave it open).
   */
  private void transaction(List<Scored> batch) {
    producer.beginTransaction();
    finish(batch, () -> sendAll(batch));
  }

  private void sendAll(List<Scored> batch) {
    for (Scored s : batch) {
      if (!s.skipped()) {
        producer.send(s.output());
      }
    }
  }

  /**
   * Ends the transaction begun for {@code batch}: {@code sends} (what is left to send), the
   * offsets, the commit. Ends committed or aborted, except on a fatal error or a simulated crash.
   */
  private void finish(List<Scored> batch, Runnable sends) {
    try {
      sends.run();
      producer.sendOffsetsToTransaction(offsets(batch), group.get());
      hook.beforeCommit(++transactions);
    } catch (ProducerFencedException
        | OutOfOrderSequenceException
        | AuthorizationException
        | UnsupportedVersionException
        | ScorerService.SimulatedCrash e) {
      throw e; // cannot recover, or must not: stop this instance
    } catch (KafkaException e) {
      metrics.transactionAborted();
      producer.abortTransaction();
      throw e;
    } catch (RuntimeException | Error e) {
      abortQuietly(e); // a bug or a misuse (IllegalStateException is no KafkaException): stop
      throw e;
    }
    commitTransaction(batch.size());
    count(batch);
  }

  private void commitTransaction(int records) {
    try {
      TransactionCommit.commit(
          producer,
          attempts,
          attempt ->
              LOG.warn(
                  "commit of {} records timed out (attempt {} of {}); committing again",
                  records,
                  attempt,
                  attempts));
    } catch (TimeoutException e) {
      throw new CommitTimedOut(
          "committing a transaction of " + records + " records timed out " + attempts + " times",
          e);
    } catch (ProducerFencedException
        | OutOfOrderSequenceException
        | AuthorizationException
        | UnsupportedVersionException e) {
      throw e;
    } catch (KafkaException e) {
      metrics.transactionAborted();
      producer.abortTransaction();
      throw e;
    }
  }

  private void abortQuietly(Throwable cause) {
    try {
      producer.abortTransaction();
    } catch (RuntimeException e) {
      cause.addSuppressed(e); // closing the producer aborts it, or the broker after its timeout
    }
  }

  private void count(List<Scored> batch) {
    long now = System.currentTimeMillis();
    metrics.eventsIn(batch.size());
    metrics.transaction(batch.size());
    for (Scored s : batch) {
      if (s.skipped()) {
        metrics.eventSkipped(s.skippedByHeader());
      } else if (s.isPrediction()) {
        metrics.predictionOut(now - s.eventTime().toEpochMilli());
      } else {
        metrics.deadLetter(s.deadLetterType());
      }
    }
  }

  private static long bytes(Scored s) {
    long n = length(s.input().key()) + length(s.input().value());
    return s.output() == null ? n : n + length(s.output().key()) + length(s.output().value());
  }

  private static long length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  private static Map<TopicPartition, OffsetAndMetadata> offsets(List<Scored> batch) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (Scored s : batch) {
      ConsumerRecord<byte[], byte[]> r = s.input();
      offsets.merge(
          new TopicPartition(r.topic(), r.partition()),
          new OffsetAndMetadata(r.offset() + 1),
          (a, b) -> a.offset() >= b.offset() ? a : b);
    }
    return offsets;
  }

  private static List<ConsumerRecord<byte[], byte[]>> inputs(List<Scored> batch) {
    return batch.stream().map(Scored::input).toList();
  }

  /** Whether {@code e} comes from the consumer group having moved on: polling again resolves it. */
  private static boolean groupChanged(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CommitFailedException
          || t instanceof RebalanceInProgressException
          || t instanceof IllegalGenerationException
          || t instanceof UnknownMemberIdException
          || t instanceof FencedInstanceIdException) {
        return true;
      }
    }
    return false;
  }

  /** What the broker or the client said, innermost cause first, without class names. */
  static String why(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() != null ? root.getMessage() : e.getMessage();
    return message == null ? "no reason given" : message;
  }
}
