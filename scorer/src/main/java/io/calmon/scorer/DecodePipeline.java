package io.calmon.scorer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The records polled but not yet scored, each prepared (decoded, validated, its image loaded and
 * preprocessed) on a small thread pool as soon as it is added, so that decoding the next batch
 * overlaps the model running the current one. Records come back in the order they were added (so
 * per partition in offset order), whichever finished first.
 *
 * <p>Bounded: the owner adds records only while {@link #hasRoom()}, so at most {@code capacity}
 * plus one poll's records are held prepared. Used by the scoring thread only (the pool's threads
 * only run {@code prepare}). With no threads, a record is prepared when it is added, on the caller.
 *
 * @param <T> what a prepared record is
 */
final class DecodePipeline<T> implements AutoCloseable {

  /** A polled record, when it was polled, and its preparation under way. */
  private record Entry<T>(ConsumerRecord<byte[], byte[]> input, long polledAt, Future<T> prepared) {
    TopicPartition partition() {
      return new TopicPartition(input.topic(), input.partition());
    }
  }

  private final Function<ConsumerRecord<byte[], byte[]>, T> prepare;
  private final ExecutorService pool;
  private final int capacity;
  private final Deque<Entry<T>> entries = new ArrayDeque<>();

  /**
   * @param threads preparing threads (0: prepare on the caller when a record is added)
   * @param capacity how many records may wait before {@link #hasRoom()} says no
   * @param name prefix of the threads' names
   */
  DecodePipeline(
      Function<ConsumerRecord<byte[], byte[]>, T> prepare, int threads, int capacity, String name) {
    if (threads < 0 || capacity < 1) {
      throw new IllegalArgumentException(
          "threads must be 0 or more and capacity 1 or more, got " + threads + ", " + capacity);
    }
    this.prepare = prepare;
    this.capacity = capacity;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        threads == 0
            ? null
            : Executors.newFixedThreadPool(
                threads,
                r -> {
                  Thread t = new Thread(r, name + "-decode-" + n.incrementAndGet());
                  t.setDaemon(true); // never keeps a JVM alive; close() stops them anyway
                  return t;
                });
  }

  /** Starts preparing {@code input}, polled at {@code polledAt} ({@link System#nanoTime()}). */
  void add(ConsumerRecord<byte[], byte[]> input, long polledAt) {
    Future<T> prepared =
        pool == null
            ? CompletableFuture.completedFuture(prepare.apply(input))
            : pool.submit(() -> prepare.apply(input));
    entries.add(new Entry<>(input, polledAt, prepared));
  }

  /** Whether more records may be polled: fewer than the capacity are waiting. */
  boolean hasRoom() {
    return entries.size() < capacity;
  }

  int size() {
    return entries.size();
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * When the oldest waiting record was polled ({@link System#nanoTime()}); the list is not empty.
   */
  long oldestPolledAt() {
    return entries.getFirst().polledAt();
  }

  /** Whether a record of one of {@code partitions} is waiting. */
  boolean holdsAny(Collection<TopicPartition> partitions) {
    return entries.stream().anyMatch(e -> partitions.contains(e.partition()));
  }

  /** Removes the first (at most) {@code n} records and waits for them, in order. */
  List<T> take(int n) {
    List<Entry<T>> taken = new ArrayList<>(n);
    while (taken.size() < n && !entries.isEmpty()) {
      taken.add(entries.removeFirst());
    }
    return await(taken);
  }

  /** Removes the first (at most) {@code n} records of {@code partitions}, in order, and waits. */
  List<T> take(int n, Collection<TopicPartition> partitions) {
    List<Entry<T>> taken = new ArrayList<>(n);
    for (Iterator<Entry<T>> it = entries.iterator(); it.hasNext() && taken.size() < n; ) {
      Entry<T> e = it.next();
      if (partitions.contains(e.partition())) {
        taken.add(e);
        it.remove();
      }
    }
    return await(taken);
  }

  /** Drops the records of {@code partitions} (they will be fetched again, or by another owner). */
  void drop(Collection<TopicPartition> partitions) {
    entries.removeIf(
        e -> {
          if (partitions.contains(e.partition())) {
            e.prepared().cancel(false);
            return true;
          }
          return false;
        });
  }

  /** Stops the threads; what they were preparing is dropped. */
  @Override
  public void close() {
    entries.forEach(e -> e.prepared().cancel(false));
    entries.clear();
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  private List<T> await(List<Entry<T>> taken) {
    List<T> out = new ArrayList<>(taken.size());
    for (Entry<T> e : taken) {
      try {
        out.add(e.prepared().get());
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while a record was being decoded", ex);
      } catch (ExecutionException ex) {
        // prepare() turns every bad record into a dead letter: what escapes it is a bug.
        Throwable cause = ex.getCause();
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(cause);
      } catch (CancellationException ex) {
        throw new IllegalStateException("a record being decoded was dropped", ex);
      }
    }
    return out;
  }
}
