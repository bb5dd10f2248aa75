package io.calmon.tuning;

import java.time.Duration;
import java.util.Map;

/** Receives one report per epoch of a tuning run. */
@FunctionalInterface
public interface TuningProgress {

  /**
   * @param epoch 1-based
   * @param lr the epoch's learning rate
   * @param terms mean of each loss term over the epoch's steps ({@code total}, {@code ce}, ...)
   */
  void epoch(int epoch, int epochs, double lr, Map<String, Double> terms, Duration elapsed);

  /** Reports nothing. */
  TuningProgress NONE = (e, n, lr, t, d) -> {};

  /**
   * {@code inner} told of the first and the last epoch and of at most one epoch per {@code every}
   * between them (by the run's elapsed time), so a long run shows progress without a line per
   * epoch.
   */
  static TuningProgress throttled(Duration every, TuningProgress inner) {
    long[] lastMillis = {-1};
    return (epoch, epochs, lr, terms, elapsed) -> {
      long ms = elapsed.toMillis();
      if (epoch <= 1 || epoch == epochs || ms - lastMillis[0] >= every.toMillis()) {
        lastMillis[0] = epoch <= 1 ? 0 : ms;
        inner.epoch(epoch, epochs, lr, terms, elapsed);
      }
    };
  }

  /** One line per epoch: epoch, lr, loss terms, elapsed, ETA. */
  static TuningProgress printingTo(java.io.PrintWriter out, String label) {
    return (epoch, epochs, lr, terms, elapsed) -> {
      StringBuilder line = new StringBuilder();
      line.append(
          String.format(java.util.Locale.ROOT, "%s epoch %d/%d lr %.3g", label, epoch, epochs, lr));
      terms.forEach((k, v) -> line.append(String.format(java.util.Locale.ROOT, " %s %.4f", k, v)));
      long ms = elapsed.toMillis();
      long eta = epoch == 0 ? 0 : ms * (epochs - epoch) / epoch;
      line.append(
          String.format(java.util.Locale.ROOT, " elapsed %.1fs eta %.1fs", ms / 1e3, eta / 1e3));
      out.println(line);
      out.flush();
    };
  }
}
