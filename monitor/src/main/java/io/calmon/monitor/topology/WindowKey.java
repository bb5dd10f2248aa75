package io.calmon.monitor.topology;

/**
 * A store key for one window of one group key, {@code end|start|deployment|version|GROUP} with
 * zero-padded epoch millis, so that a range scan visits windows in the order they close.
 */
record WindowKey(long end, long start, String groupKey) {
  private static final int MILLIS_DIGITS = 19;

  static String format(long end, long start, String groupKey) {
    StringBuilder key = new StringBuilder(2 * MILLIS_DIGITS + 2 + groupKey.length());
    return padded(key, end)
        .append('|')
        .append(padded(new StringBuilder(), start))
        .append('|')
        .append(groupKey)
        .toString();
  }

  /**
   * Appends {@code millis} (negative read as 0) to {@code to}, zero-padded to 19 digits: the
   * decimal strings then sort as the numbers do.
   */
  static StringBuilder padded(StringBuilder to, long millis) {
    String digits = Long.toString(Math.max(0, millis));
    for (int i = digits.length(); i < MILLIS_DIGITS; i++) {
      to.append('0');
    }
    return to.append(digits);
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
