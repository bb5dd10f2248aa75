package io.calmon.monitor.topology;

/**
 * Partitions of the monitor's input topics: one join task per predictions partition (labels are
 * routed to them by event id), one label-routing task per labels partition.
 *
 * @param predictions partitions of the predictions topic
 * @param labels partitions of the labels topic
 */
public record InputPartitions(int predictions, int labels) {
  public InputPartitions {
    if (predictions < 1 || labels < 1) {
      throw new IllegalArgumentException(
          "input partitions must be positive, got " + predictions + " and " + labels);
    }
  }

  /** One partition each. */
  public static InputPartitions single() {
    return new InputPartitions(1, 1);
  }
}
