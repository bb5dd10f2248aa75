package io.calmon.cli.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Where the CPU went during a timed pass of a benchmark, so that a rate can be read against what
 * else ran on the same cores: the process's CPU time, the JIT compilers' time (on a machine of two
 * cores a compiler still busy with the measured code takes a good part of one), and the CPU time of
 * the threads that do the measured work.
 */
final class CpuMeter {
  private final long startNanos;
  private final long startProcessCpu;
  private final long startJit;

  private CpuMeter() {
    startNanos = System.nanoTime();
    startProcessCpu = processCpuNanos();
    startJit = jitMillis();
  }

  /** Starts measuring now. */
  static CpuMeter start() {
    return new CpuMeter();
  }

  /** What the process and the JIT compilers used since {@link #start}, no thread singled out. */
  Use stop() {
    return stop(name -> false);
  }

  /**
   * What was used since {@link #start}, with the CPU time of the live threads whose names {@code
   * worker} accepts (threads started after {@link #start} and still running: their whole CPU time).
   */
  Use stop(Predicate<String> worker) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long workerCpu = 0;
    int workers = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (worker.test(thread.getName())) {
        long cpu = threads.getThreadCpuTime(thread.getId());
        if (cpu > 0) {
          workerCpu += cpu;
          workers++;
        }
      }
    }
    return new Use(
        (System.nanoTime() - startNanos) / 1e9,
        (processCpuNanos() - startProcessCpu) / 1e9,
        (jitMillis() - startJit) / 1e3,
        workerCpu / 1e9,
        workers,
        Runtime.getRuntime().availableProcessors());
  }

  /**
   * CPU used over a pass of {@code wallSeconds}.
   *
   * @param processSeconds CPU time of the whole process (broker, clients, compilers, collectors)
   * @param jitSeconds time the JIT compilers spent (the JVM's own account; 0 where unsupported)
   * @param workerSeconds CPU time of the {@code workers} threads that do the measured work
   * @param cores processors available to the JVM
   */
  record Use(
      double wallSeconds,
      double processSeconds,
      double jitSeconds,
      double workerSeconds,
      int workers,
      int cores) {

    /** One line for a benchmark's output, naming the workers {@code what}. */
    String describe(String what) {
      return String.format(
          Locale.ROOT,
          "CPU over the %.2f s pass (%d cores): process %.2f s, JIT compilers %.2f s, %d %s %.2f s"
              + " (%.0f%% of the pass each)",
          wallSeconds,
          cores,
          processSeconds,
          jitSeconds,
          workers,
          what,
          workerSeconds,
          workers == 0 ? 0.0 : 100 * workerSeconds / workers / wallSeconds);
    }
  }

  /**
   * Waits until the JIT compilers have been quiet for a second (under 5% of a core), at most {@code
   * max}: a warm-up pass leaves a queue of methods to compile, and the compiler working through it
   * would otherwise take its core from the pass that follows.
   *
   * @return seconds waited
   */
  static double awaitQuietCompilers(Duration max) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + max.toNanos();
    long before = jitMillis();
    while (before >= 0 && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      long now = jitMillis();
      if (now - before < 50) {
        break;
      }
      before = now;
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static long jitMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : -1;
  }
}
