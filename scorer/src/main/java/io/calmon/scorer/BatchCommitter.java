package io.calmon.scorer;

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
 * Commits a scored micro-batch: its outputs and its input offsets in one transaction, so that no
 * record can stall a partition.
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

  /** Commits {@code batch} (see the class comment); counts what was committed in the metrics. */
  Outcome commit(List<Scored> batch) {
    KafkaException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        transaction(batch);
        return new Outcome(batch, List.of());
      } catch (CommitTimedOut e) {
        throw e;
      } catch (KafkaException e) {
        if (groupChanged(e)) {
          LOG.info("transaction of {} records aborted by a group change: {}", batch.size(), why(e));
          return new Outcome(List.of(), inputs(batch));
        }
        last = e;
        LOG.warn(
            "transaction of {} records aborted (attempt {} of {}): {}",
            batch.size(),
            attempt,
            attempts,
            why(e));
        if (attempt < attempts) {
          sleeper.sleep(backoff.multipliedBy(1L << (attempt - 1)));
        }
      }
    }
    return batch.size() > 1 ? isolate(batch) : deadLetterAlone(batch.get(0), last);
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
    try {
      for (Scored s : batch) {
        if (!s.skipped()) {
          producer.send(s.output());
        }
      }
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
    for (int attempt = 1; ; attempt++) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        // The commit may be completing on the broker: only another commit may follow, no abort.
        if (attempt >= attempts) {
          throw new CommitTimedOut(
              "committing a transaction of " + records + " records timed out " + attempt + " times",
              e);
        }
        LOG.warn(
            "commit of {} records timed out (attempt {} of {}); committing again",
            records,
            attempt,
            attempts);
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
    metrics.batch(batch.size());
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
