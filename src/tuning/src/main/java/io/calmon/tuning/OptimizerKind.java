package io.calmon.tuning;

import java.util.Locale;

/** The optimiser of the context vectors. */
public enum OptimizerKind {
  /** CoOp's: SGD with momentum and weight decay (Dassl defaults 0.9 and 5e-4). */
  SGD,
  /**
   * Adam: the tiny world model's context does not move under SGD at CoOp's learning rate (as a
   * first miniature-world prototype found), Adam's does.
   */
  ADAM;

  /** Parses {@code sgd} or {@code adam}, naming the allowed values otherwise. */
  public static OptimizerKind parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown optimizer '" + name + "': use sgd or adam", e);
    }
  }
}
