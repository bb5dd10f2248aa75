package io.calmon.service;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a {@link CalmonService} until SIGTERM or Ctrl-C (a JVM shutdown hook), until the calling
 * thread is interrupted (how tests and embedding programs stop it), or until the service stops on
 * its own; closes it gracefully in every case. The one way every calmon service process runs.
 *
 * <pre>{@code
 * Throwable failure =
 *     ServiceRunner.run(service, Duration.ofMinutes(1), s -> err.println("running"));
 * return failure == null ? 0 : 1;
 * }</pre>
 */
public final class ServiceRunner {

  /** How long a shutdown hook waits for the graceful close before the JVM goes down anyway. */
  static final Duration STOP_PATIENCE = Duration.ofSeconds(60);

  private static final long POLL_MS = 500;

  private ServiceRunner() {}

  /**
   * Starts {@code service}, waits until it is ready, tells {@code onReady}, then waits for a stop.
   *
   * @param readyTimeout how long the service may take to be ready
   * @param onReady called once the service is ready (e.g. to print its status line)
   * @return why the service stopped on its own (or was not ready in time), or null when it was
   *     stopped on request
   * @throws RuntimeException what {@link CalmonService#start()} threw, after closing the service
   */
  public static Throwable run(
      CalmonService service, Duration readyTimeout, Consumer<CalmonService> onReady) {
    CountDownLatch stopRequested = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stopRequested.countDown();
              awaitQuietly(stopped);
            },
            "calmon-service-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean interrupted = false;
    Throwable failure = null;
    try {
      service.start();
      if (!service.awaitReady(readyTimeout)) {
        failure =
            service.failure() != null
                ? service.failure()
                : new IllegalStateException(
                    "not ready within " + Durations.format(readyTimeout) + "; see the log");
      } else {
        onReady.accept(service);
        while (!stopRequested.await(POLL_MS, TimeUnit.MILLISECONDS) && service.isRunning()) {
          // Wait for a signal, or for the service to stop on its own.
        }
        if (stopRequested.getCount() > 0) {
          failure = service.failure();
          if (failure == null) {
            failure = new IllegalStateException("stopped by itself; see the log");
          }
        }
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      try {
        service.close();
      } catch (InterruptedException e) {
        interrupted = true;
      }
      stopped.countDown();
      removeHook(hook);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return failure;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(STOP_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook is running and waits for `stopped`.
    }
  }
}
