package io.calmon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ServiceRunnerTest {

  /** A service whose life the test drives, recording what the runner asked of it. */
  static final class FakeService implements CalmonService {
    final List<String> calls = new ArrayList<>();
    final CountDownLatch ready = new CountDownLatch(1);
    volatile boolean readyAnswer = true;
    volatile boolean running = true;
    volatile Throwable failure;
    RuntimeException startFailure;

    @Override
    public synchronized CalmonService start() {
      calls.add("start");
      if (startFailure != null) {
        throw startFailure;
      }
      ready.countDown();
      return this;
    }

    @Override
    public boolean awaitReady(Duration timeout) {
      return readyAnswer;
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public Throwable failure() {
      return failure;
    }

    @Override
    public int metricsPort() {
      return -1;
    }

    @Override
    public synchronized void close() {
      calls.add("close");
      running = false;
    }
  }

  @Test
  void shouldReturnTheFailureOfAServiceThatStopsOnItsOwnAndCloseIt() throws Exception {
    FakeService service = new FakeService();
    IllegalStateException fenced = new IllegalStateException("fenced");
    List<CalmonService> readied = new ArrayList<>();
    Thread stopper =
        new Thread(
            () -> {
              try {
                service.ready.await(5, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                return;
              }
              service.failure = fenced;
              service.running = false;
            });
    stopper.start();

    Throwable failure = ServiceRunner.run(service, Duration.ofSeconds(1), readied::add);

    stopper.join();
    assertSame(fenced, failure);
    assertEquals(List.of(service), readied, "told once it was ready");
    assertEquals(List.of("start", "close"), service.calls);
  }

  @Test
  void shouldStopWithoutAFailureWhenTheCallingThreadIsInterrupted() throws Exception {
    FakeService service = new FakeService();
    AtomicReference<Throwable> result = new AtomicReference<>(new AssertionError("not run"));
    AtomicReference<Boolean> interruptKept = new AtomicReference<>();
    Thread runner =
        new Thread(
            () -> {
              result.set(ServiceRunner.run(service, Duration.ofSeconds(1), s -> {}));
              interruptKept.set(Thread.currentThread().isInterrupted());
            });
    runner.start();
    assertTrue(service.ready.await(5, TimeUnit.SECONDS));
    runner.interrupt();
    runner.join(10_000);

    assertNull(result.get(), "a requested stop is no failure");
    assertEquals(true, interruptKept.get(), "the interrupt is kept for the caller");
    assertEquals(List.of("start", "close"), service.calls);
  }

  @Test
  void shouldCloseAServiceThatFailsToStartAndPassTheErrorOn() {
    FakeService service = new FakeService();
    service.startFailure = new IllegalStateException("port taken");

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ServiceRunner.run(service, Duration.ofSeconds(1), s -> {}));

    assertEquals("port taken", e.getMessage());
    assertEquals(List.of("start", "close"), service.calls);
  }

  @Test
  void shouldReportAServiceThatIsNeverReady() {
    FakeService service = new FakeService();
    service.readyAnswer = false;
    List<CalmonService> readied = new ArrayList<>();

    Throwable failure = ServiceRunner.run(service, Duration.ofMillis(200), readied::add);

    assertEquals("not ready within 200ms; see the log", failure.getMessage());
    assertEquals(List.of(), readied);
    assertEquals(List.of("start", "close"), service.calls);
  }
}
