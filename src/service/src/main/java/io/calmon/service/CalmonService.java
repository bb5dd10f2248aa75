package io.calmon.service;

import java.time.Duration;

/**
 * A long-running calmon service (scorer, monitor, trainer) as {@link ServiceRunner} drives it:
 * started once, ready at some point, running until closed or until it stops on its own with a
 * {@link #failure()}.
 */
public interface CalmonService extends AutoCloseable {

  /**
   * Starts the service: its metrics endpoint (when configured) and its work. May return before the
   * service is ready.
   *
   * @throws RuntimeException if it cannot start (e.g. the metrics port is taken); the runner closes
   *     it and passes the exception on
   */
  CalmonService start();

  /**
   * Waits until the service does its work (state read, group joined, Kafka Streams running).
   *
   * @return false if it stopped on its own or was not ready within {@code timeout}
   */
  boolean awaitReady(Duration timeout) throws InterruptedException;

  /** Whether it still runs: false once closed or stopped on its own. */
  boolean isRunning();

  /** Why it stopped on its own (fenced, broker lost, a bug), or null. */
  Throwable failure();

  /** The metrics endpoint's port, or -1 when it is off. */
  int metricsPort();

  /** Stops gracefully: work in flight is committed, clients leave their groups. */
  @Override
  void close() throws InterruptedException;
}
