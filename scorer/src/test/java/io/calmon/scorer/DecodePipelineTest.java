package io.calmon.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Decoding ahead of the model: on its own threads, in order, bounded, stopped on close. */
class DecodePipelineTest {

  private static ConsumerRecord<byte[], byte[]> record(int partition, long offset) {
    return new ConsumerRecord<>("image-events", partition, offset, null, new byte[] {1});
  }

  @Test
  void shouldPrepareTheNextBatchWhileTheCallerRunsTheModelOnTheFirst() throws Exception {
    CountDownLatch secondBatchPrepared = new CountDownLatch(2);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    try (DecodePipeline<Long> pipeline =
        new DecodePipeline<>(
            r -> {
              threads.add(Thread.currentThread().getName());
              if (r.offset() >= 2) {
                secondBatchPrepared.countDown();
              }
              return r.offset();
            },
            2,
            4,
            "test")) {
      for (long offset = 0; offset < 4; offset++) {
        pipeline.add(record(0, offset), 0);
      }
      assertEquals(List.of(0L, 1L), pipeline.take(2));
      // "The model" runs on this thread now: the second batch is decoded meanwhile, not on take.
      assertTrue(
          secondBatchPrepared.await(30, TimeUnit.SECONDS), "the next batch was not decoded ahead");
      assertEquals(List.of(2L, 3L), pipeline.take(2));
      assertFalse(threads.contains(Thread.currentThread().getName()), "" + threads);
      assertTrue(threads.stream().allMatch(t -> t.startsWith("test-decode-")), "" + threads);
    }
  }

  @Test
  void shouldHandRecordsBackInTheOrderTheyCameWhicheverFinishesFirst() {
    try (DecodePipeline<Long> pipeline =
        new DecodePipeline<>(
            r -> {
              if (r.offset() == 0) {
                try {
                  Thread.sleep(200); // the first finishes last
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return r.offset();
            },
            4,
            8,
            "test")) {
      for (long offset = 0; offset < 6; offset++) {
        pipeline.add(record((int) offset % 2, offset), 0);
      }
      TopicPartition odd = new TopicPartition("image-events", 1);
      assertEquals(List.of(1L, 3L), pipeline.take(2, List.of(odd)));
      assertEquals(List.of(0L, 2L, 4L, 5L), pipeline.take(10));
    }
  }

  @Test
  void shouldHaveRoomOnlyBelowItsCapacityAndDropWhatIsNoLongerOurs() {
    try (DecodePipeline<Long> pipeline =
        new DecodePipeline<>(ConsumerRecord::offset, 0, 3, "test")) {
      pipeline.add(record(0, 0), 5);
      pipeline.add(record(1, 0), 6);
      assertTrue(pipeline.hasRoom());
      pipeline.add(record(0, 1), 7);
      assertFalse(pipeline.hasRoom(), "the owner stops polling");
      assertEquals(5, pipeline.oldestPolledAt());

      pipeline.drop(List.of(new TopicPartition("image-events", 0)));

      assertEquals(1, pipeline.size());
      assertEquals(6, pipeline.oldestPolledAt());
      assertTrue(pipeline.holdsAny(List.of(new TopicPartition("image-events", 1))));
    }
  }

  @Test
  void shouldStopItsThreadsOnClose() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    DecodePipeline<Long> pipeline =
        new DecodePipeline<>(
            r -> {
              started.countDown();
              try {
                Thread.sleep(60_000);
              } catch (InterruptedException e) {
                interrupted.countDown();
              }
              return r.offset();
            },
            1,
            4,
            "test");
    pipeline.add(record(0, 0), 0);
    assertTrue(started.await(30, TimeUnit.SECONDS));

    pipeline.close();

    assertTrue(interrupted.await(30, TimeUnit.SECONDS), "the decode thread was not stopped");
    assertTrue(pipeline.isEmpty());
    assertThrows(IllegalArgumentException.class, () -> new DecodePipeline<>(r -> r, 1, 0, "x"));
  }
}
