package io.calmon.monitor.topology;

/**
 * A store key for one window of one group key, {@code end|start|deployment|version|GROUP} with
 * zero-padded epoch millis, so that a range scan visits windows in the order they close.
 */
record WindowKey(long end, long start, String groupKey) {
  private static final int MILLIS_DIGITS = 19;

  static String format(long end, long start, String groupKey) {
    return String.format("%019d|%019d|%s", Math.max(0, end), Math.max(0, start), groupKey);
  }

  static WindowKey parse(String key) {
    int startAt = MILLIS_DIGITS + 1;
    int groupAt = startAt + MILLIS_DIGITS + 1;
    return new WindowKey(
        Long.parseLong(key.substring(0, MILLIS_DIGITS)),
        Long.parseLong(key.substring(startAt, startAt + MILLIS_DIGITS)),
        key.substring(groupAt));
  }
}
