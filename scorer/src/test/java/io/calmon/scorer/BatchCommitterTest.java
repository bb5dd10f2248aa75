package io.calmon.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.clip.ClipModel;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.serde.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bounded retries, isolation of poison and commit timeouts, on a producer that fails on cue. */
class BatchCommitterTest {

  private static final AvroCodec<DeadLetter> DEAD_LETTERS = AvroCodec.of(DeadLetter.class);
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private static ClipModel clip;
  private static BatchScorer letters;

  private final ScorerMetrics metrics = new ScorerMetrics();
  private final List<Duration> sleeps = new ArrayList<>();

  @BeforeAll
  static void loadModel() {
    clip = ClipModel.load(Path.of("../src/clip/src/test/resources/golden/tiny"));
    letters =
        new BatchScorer(
            ScorerConfig.builder().setBootstrapServers("unused:9092").optInstanceId("s-0").build(),
            clip,
            Clock.systemUTC(),
            1 << 20);
  }

  @AfterAll
  static void closeModel() {
    clip.close();
  }

  private BatchCommitter committer(FlakyProducer producer) {
    producer.initTransactions();
    return new BatchCommitter(
        producer,
        () -> new ConsumerGroupMetadata("g"),
        letters,
        batch -> {},
        metrics,
        sleeps::add,
        3,
        Duration.ofMillis(100));
  }

  @Test
  void shouldRetryAFailingBatchThenDeadLetterThePoisonAloneAndCommitTheRest() {
    FlakyProducer producer =
        new FlakyProducer(r -> r.topic().equals("predictions") && key(r).equals("poison"));
    List<BatchScorer.Scored> batch =
        List.of(prediction(0, "a"), prediction(1, "poison"), prediction(2, "b"));

    BatchCommitter.Outcome outcome = committer(producer).commit(batch);

    assertTrue(outcome.uncommitted().isEmpty());
    List<String> committed = new ArrayList<>();
    for (ProducerRecord<byte[], byte[]> r : producer.history()) {
      committed.add(r.topic() + ":" + key(r));
    }
    assertEquals(List.of("predictions:a", "dead-letters:poison", "predictions:b"), committed);
    DeadLetter letter =
        DEAD_LETTERS.decode(
            producer.history().stream()
                .filter(r -> r.topic().equals("dead-letters"))
                .findFirst()
                .orElseThrow()
                .value());
    assertEquals("SEND_FAILED", letter.getErrorType());
    assertTrue(letter.getErrorMessage().contains("prediction 3 times"), letter.getErrorMessage());
    assertTrue(
        letter.getErrorMessage().contains("out of acceptable range"), letter.getErrorMessage());
    assertEquals(1, letter.getSourceOffset());
    // 3 tries of the batch, 1 of "a", 3 of "poison", its dead letter, 1 of "b"; offsets in order.
    assertEquals(
        List.of(1L, 2L, 3L),
        producer.consumerGroupOffsetsHistory().stream()
            .map(m -> m.get("g").get(new TopicPartition("image-events", 0)).offset())
            .toList());
    assertEquals(6, metrics.snapshot().get("calmon_scorer_transactions_aborted_total").intValue());
    assertEquals(2, metrics.predictionsOut());
    assertEquals(1, metrics.deadLetters("SEND_FAILED"));
    assertEquals(3, metrics.eventsIn());
    assertEquals(
        List.of(100L, 200L, 100L, 200L),
        sleeps.stream().map(Duration::toMillis).toList(),
        "backoff");
  }

  @Test
  void shouldCommitAgainWhenACommitTimesOutAndNeverAbort() {
    FlakyProducer producer = new FlakyProducer(r -> false);
    producer.commitTimeouts = 2;
    BatchCommitter.Outcome outcome = committer(producer).commit(List.of(prediction(0, "a")));
    assertEquals(1, outcome.committed().size());
    assertEquals(1, producer.commitCount());
    assertFalse(producer.abortedAfterTimeout, "abortTransaction() after a commit timeout");
  }

  @Test
  void shouldStopWhenCommitsKeepTimingOut() {
    FlakyProducer producer = new FlakyProducer(r -> false);
    producer.commitTimeouts = 3;
    BatchCommitter committer = committer(producer);
    assertThrows(
        BatchCommitter.CommitTimedOut.class, () -> committer.commit(List.of(prediction(0, "a"))));
    assertFalse(producer.abortedAfterTimeout);
  }

  @Test
  void shouldHandTheBatchBackAtOnceWhenTheGroupMovedOn() {
    FlakyProducer producer = new FlakyProducer(r -> false);
    producer.sendOffsetsToTransactionException = new CommitFailedException("rebalanced");
    List<BatchScorer.Scored> batch = List.of(prediction(0, "a"), prediction(1, "b"));
    BatchCommitter.Outcome outcome = committer(producer).commit(batch);
    assertEquals(2, outcome.uncommitted().size());
    assertTrue(sleeps.isEmpty(), "no retry: polling again resolves it");
  }

  @Test
  void shouldHandRecordsBackWhenEvenTheirDeadLetterFails() {
    FlakyProducer producer = new FlakyProducer(r -> true); // the broker refuses everything
    List<BatchScorer.Scored> batch = List.of(prediction(0, "a"), prediction(1, "b"));
    BatchCommitter.Outcome outcome = committer(producer).commit(batch);
    assertEquals(List.of(), outcome.committed());
    assertEquals(2, outcome.uncommitted().size(), "both re-read after the next poll");
    assertTrue(producer.history().isEmpty());
  }

  @Test
  void shouldCommitSeveralAppendedBatchesInOneTransactionWithTheirOffsets() {
    FlakyProducer producer = new FlakyProducer(r -> false);
    BatchCommitter committer = committer(producer);
    committer.append(List.of(prediction(0, "a"), prediction(1, "b")));
    committer.append(List.of(prediction(2, "c")));
    assertTrue(committer.isOpen());
    assertEquals(3, producer.uncommittedRecords().size(), "sent at once, before the commit");
    assertEquals(0, producer.commitCount());

    BatchCommitter.Outcome outcome = committer.commitOpen();

    assertEquals(3, outcome.committed().size());
    assertFalse(committer.isOpen());
    assertEquals(1, producer.commitCount(), "one transaction for both batches");
    assertEquals(
        List.of(3L),
        producer.consumerGroupOffsetsHistory().stream()
            .map(m -> m.get("g").get(new TopicPartition("image-events", 0)).offset())
            .toList());
    assertEquals(1, metrics.transactions());
    assertEquals(3, metrics.predictionsOut());
  }

  @Test
  void shouldIsolatePoisonAmongTheBatchesOfAnOpenTransaction() {
    FlakyProducer producer =
        new FlakyProducer(r -> r.topic().equals("predictions") && key(r).equals("poison"));
    BatchCommitter committer = committer(producer);
    committer.append(List.of(prediction(0, "a"), prediction(1, "b")));
    committer.append(List.of(prediction(2, "poison"), prediction(3, "c")));

    BatchCommitter.Outcome outcome = committer.commitOpen();

    assertTrue(outcome.uncommitted().isEmpty());
    assertEquals(
        List.of("predictions:a", "predictions:b", "dead-letters:poison", "predictions:c"),
        producer.history().stream().map(r -> r.topic() + ":" + key(r)).toList());
    // The open transaction, 2 retries of all four, then one by one (poison: 3 tries).
    assertEquals(
        List.of(1L, 2L, 3L, 4L),
        producer.consumerGroupOffsetsHistory().stream()
            .map(m -> m.get("g").get(new TopicPartition("image-events", 0)).offset())
            .toList());
    assertEquals(6, metrics.snapshot().get("calmon_scorer_transactions_aborted_total").intValue());
    assertEquals(1, metrics.deadLetters("SEND_FAILED"));
    assertEquals(4, metrics.eventsIn());
  }

  @Test
  void shouldAbortTheOpenTransactionAndHandItsRecordsBack() {
    FlakyProducer producer = new FlakyProducer(r -> false);
    BatchCommitter committer = committer(producer);
    committer.append(List.of(prediction(0, "a")));
    committer.append(List.of(prediction(1, "b")));

    List<ConsumerRecord<byte[], byte[]>> back = committer.abortOpen();

    assertEquals(List.of(0L, 1L), back.stream().map(ConsumerRecord::offset).toList());
    assertFalse(committer.isOpen());
    assertTrue(producer.transactionAborted());
    assertTrue(producer.history().isEmpty(), "nothing committed");
    assertEquals(0, metrics.eventsIn());
  }

  private static String key(ProducerRecord<byte[], byte[]> r) {
    return new String(r.key(), StandardCharsets.UTF_8);
  }

  private static BatchScorer.Scored prediction(long offset, String id) {
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    return new BatchScorer.Scored(
        new ConsumerRecord<>("image-events", 0, offset, key, new byte[] {1}),
        new ProducerRecord<>("predictions", null, NOW.toEpochMilli(), key, new byte[] {2}),
        null,
        NOW);
  }

  /**
   * A transactional producer that refuses records as a broker would (the send fails, the producer
   * must abort, the commit throws), and whose commits can time out; it records an abort after a
   * commit timeout, which the real producer refuses.
   */
  private static final class FlakyProducer extends MockProducer<byte[], byte[]> {
    private final Predicate<ProducerRecord<byte[], byte[]>> refuses;
    private boolean failed;
    private boolean timedOut;
    int commitTimeouts;
    boolean abortedAfterTimeout;

    FlakyProducer(Predicate<ProducerRecord<byte[], byte[]>> refuses) {
      super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
      this.refuses = refuses;
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
      if (refuses.test(record)) {
        failed = true;
        return CompletableFuture.failedFuture(
            new InvalidTimestampException("Timestamp of the record is out of acceptable range"));
      }
      return super.send(record);
    }

    @Override
    public void commitTransaction() {
      if (commitTimeouts > 0) {
        commitTimeouts--;
        timedOut = true;
        throw new TimeoutException("Timeout expired after 60000ms awaiting EndTxn(true)");
      }
      if (failed) {
        throw new KafkaException(
            "Cannot execute transactional method because we are in an error state",
            new InvalidTimestampException("Timestamp of the record is out of acceptable range"));
      }
      timedOut = false;
      super.commitTransaction();
    }

    @Override
    public void abortTransaction() {
      if (timedOut) {
        abortedAfterTimeout = true;
        throw new IllegalStateException("cannot abort: a commit is in progress");
      }
      failed = false;
      super.abortTransaction();
    }
  }
}
