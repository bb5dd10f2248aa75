package io.calmon.kafka;

import java.util.function.IntConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Commits a producer's open transaction the one safe way after a timeout: by committing again. A
 * {@code commitTransaction()} that timed out may still be completing on the broker, and the
 * producer refuses an {@code abortTransaction()} then; the scorer and the trainer both commit
 * through here.
 */
public final class TransactionCommit {
  private TransactionCommit() {}

  /**
   * Commits, trying again after each {@link TimeoutException} up to {@code attempts} tries in all.
   *
   * @param onTimeout told the attempt number after each timeout that is tried again
   * @throws TimeoutException when the last attempt times out too; any other exception at once
   */
  public static void commit(Producer<?, ?> producer, int attempts, IntConsumer onTimeout) {
    for (int attempt = 1; ; attempt++) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        if (attempt >= attempts) {
          throw e;
        }
        onTimeout.accept(attempt);
      }
    }
  }
}
