package io.calmon.monitor.topology;

import io.calmon.monitor.ReportGroup;
import io.calmon.schemas.CalibrationReport;

/**
 * The aggregation key: deployment, prompt version and report group, written {@code
 * deployment|version|GROUP} ({@code BASE}, {@code TRUE_NEW}, ...) in stores. Parsed from the right,
 * so a deployment name may itself contain '|'. Every spelling of it is here: the store key, the
 * report topic's key ({@link #reportKey()}) and the key of an alert streak, which spans versions
 * ({@link #streakKey()}).
 */
record GroupKey(String deployment, long promptVersion, ReportGroup group) {

  static GroupKey parse(String key) {
    int groupAt = key.lastIndexOf('|');
    int versionAt = key.lastIndexOf('|', groupAt - 1);
    if (groupAt < 0 || versionAt < 0) {
      throw new IllegalArgumentException("not a group key: " + key);
    }
    return new GroupKey(
        key.substring(0, versionAt),
        Long.parseLong(key.substring(versionAt + 1, groupAt)),
        ReportGroup.valueOf(key.substring(groupAt + 1)));
  }

  /** The key a report was made for. */
  static GroupKey of(CalibrationReport report) {
    return new GroupKey(report.getDeployment(), report.getPromptVersion(), ReportGroup.of(report));
  }

  GroupKey withGroup(ReportGroup other) {
    return new GroupKey(deployment, promptVersion, other);
  }

  @Override
  public String toString() {
    return deployment + "|" + promptVersion + "|" + group.name();
  }

  /**
   * The key of the alert streak of this deployment and group: {@code deployment|GROUP}, the same
   * for every prompt version (a retrained version does not reset the streak's cooldown).
   */
  String streakKey() {
    return deployment + "|" + group.name();
  }

  /** The key of reports on the calibration-reports topic: {@code deployment/version/group}. */
  String reportKey() {
    return deployment + "/" + promptVersion + "/" + group.label();
  }
}
