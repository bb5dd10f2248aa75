package io.calmon.monitor;

import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationGrouping;
import io.calmon.schemas.CalibrationReport;
import java.util.Locale;

/**
 * The groups the monitor reports on, each a {@link CalibrationGroup} under a {@link
 * CalibrationGrouping}: BASE and NEW by the predicted class (every prediction), TRUE_BASE and
 * TRUE_NEW by the label's true class relative to the prompt version's base classes (labelled
 * predictions: the base/new split of the paper's base-to-new protocol), and ALL, which is the same
 * under both.
 */
public enum ReportGroup {
  BASE(CalibrationGroup.BASE, CalibrationGrouping.PREDICTED_CLASS),
  NEW(CalibrationGroup.NEW, CalibrationGrouping.PREDICTED_CLASS),
  ALL(CalibrationGroup.ALL, CalibrationGrouping.PREDICTED_CLASS),
  TRUE_BASE(CalibrationGroup.BASE, CalibrationGrouping.TRUE_CLASS),
  TRUE_NEW(CalibrationGroup.NEW, CalibrationGrouping.TRUE_CLASS);

  private final CalibrationGroup group;
  private final CalibrationGrouping grouping;

  ReportGroup(CalibrationGroup group, CalibrationGrouping grouping) {
    this.group = group;
    this.grouping = grouping;
  }

  public CalibrationGroup group() {
    return group;
  }

  public CalibrationGrouping grouping() {
    return grouping;
  }

  /** The group of {@code group} under {@code grouping} (ALL whatever the grouping). */
  public static ReportGroup of(CalibrationGroup group, CalibrationGrouping grouping) {
    if (group == CalibrationGroup.ALL) {
      return ALL;
    }
    boolean byTruth = grouping == CalibrationGrouping.TRUE_CLASS;
    return group == CalibrationGroup.BASE
        ? (byTruth ? TRUE_BASE : BASE)
        : (byTruth ? TRUE_NEW : NEW);
  }

  /** The group a report is about. */
  public static ReportGroup of(CalibrationReport report) {
    return of(report.getGroup(), report.getGrouping());
  }

  /** As written in flags and report keys: {@code base}, {@code true-new}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The group written {@code label} (see {@link #label()}), or null if there is none. */
  public static ReportGroup fromLabel(String label) {
    for (ReportGroup g : values()) {
      if (g.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
        return g;
      }
    }
    return null;
  }
}
