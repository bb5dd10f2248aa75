package io.calmon.cli.demo;

import io.calmon.core.calibration.CalibrationSketch;
import io.calmon.core.calibration.ReliabilityDiagram;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page (inline SVG, no scripts) showing a demo run: the ECE of base and new
 * classes per final window with the change and prompt-version swaps marked, the summary's tables,
 * and a reliability diagram per prompt version and group.
 */
final class DemoReportHtml {
  private static final int WIDTH = 720;
  private static final int HEIGHT = 260;
  private static final int PAD = 40;
  private static final String BASE_COLOUR = "#1f77b4";
  private static final String NEW_COLOUR = "#d62728";

  private DemoReportHtml() {}

  /**
   * The page: the monitor's final window reports over time, then the summary's tables (per prompt
   * version and group beside zero-shot, per phase) and reliability diagrams drawn from the same
   * figures, so the tables and the summary JSON cannot disagree.
   */
  static String render(DemoSummary summary, DemoTimeline timeline, String title) {
    StringBuilder html = new StringBuilder();
    html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
        .append(escape(title))
        .append("</title><style>body{font-family:sans-serif;margin:24px;color:#222}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;")
        .append(
            "text-align:right}svg{background:#fafafa;border:1px solid #ddd}</style></head><body>")
        .append("<h1>")
        .append(escape(title))
        .append("</h1>");
    html.append("<h2>ECE per window (the monitor's final reports, by true class)</h2>")
        .append(timelineSvg(timeline));
    html.append("<p><span style=\"color:")
        .append(BASE_COLOUR)
        .append("\">&#9632; base classes</span> &nbsp; <span style=\"color:")
        .append(NEW_COLOUR)
        .append("\">&#9632; new classes</span> (of the serving version) &nbsp; dashed: the")
        .append(" change starts; dotted: a new prompt version is served; x: seconds since the")
        .append(" first window ended</p>");
    html.append(versionsTable(summary));
    html.append(alertsTable(summary));
    html.append(healthTable(summary));
    html.append(phasesTable(summary));
    html.append("<h2>Reliability diagrams per prompt version</h2>");
    for (Map.Entry<Long, VersionGroups> v : summary.versionGroups().entrySet()) {
      html.append("<h3>version ").append(v.getKey()).append("</h3>");
      html.append(reliabilitySvg(v.getValue().base().sketch(), "base classes"));
      html.append(reliabilitySvg(v.getValue().fresh().sketch(), "new classes"));
      html.append(reliabilitySvg(v.getValue().zeroShot(true).sketch(), "new, zero-shot"));
    }
    return html.append("</body></html>\n").toString();
  }

  @SuppressWarnings("unchecked")
  private static String versionsTable(DemoSummary summary) {
    StringBuilder html =
        new StringBuilder(
            "<h2>Per prompt version, by true class</h2><table><tr><th>version</th><th>method</th>"
                + "<th>group</th><th>predictions</th><th>labels</th><th>accuracy</th><th>ECE</th>"
                + "<th>mean confidence</th><th>zero-shot accuracy</th><th>zero-shot ECE</th>"
                + "<th>zero-shot mean confidence</th><th>confidence lift over zero-shot (every"
                + " prediction, no label)</th></tr>");
    for (Map<String, Object> v :
        (List<Map<String, Object>>) summary.fields().get("prompt_versions")) {
      Map<String, Object> groups = (Map<String, Object>) v.get("groups");
      for (String group : List.of("base", "new")) {
        Map<String, Object> g = (Map<String, Object>) groups.get(group);
        Map<String, Object> z = (Map<String, Object>) g.get("zero_shot");
        html.append("<tr><td>")
            .append(v.get("version"))
            .append("</td><td>")
            .append(escape(String.valueOf(v.get("method"))))
            .append("</td><td>")
            .append(group)
            .append("</td><td>")
            .append(g.get("predictions"))
            .append("</td><td>")
            .append(g.get("labels"))
            .append("</td>");
        for (Object figure : // null where a group has no labels
            Arrays.asList(
                g.get("accuracy"),
                g.get("ece"),
                g.get("mean_confidence"),
                z.get("accuracy"),
                z.get("ece"),
                z.get("mean_confidence"),
                g.get("confidence_lift"))) {
          html.append("<td>").append(percent(figure)).append("</td>");
        }
        html.append("</tr>");
      }
    }
    return html.append("</table>").toString();
  }

  @SuppressWarnings("unchecked")
  private static String alertsTable(DemoSummary summary) {
    StringBuilder html =
        new StringBuilder(
            "<h2>Alerts (seconds from the first event)</h2><table><tr><th>seconds</th><th>rule</th>"
                + "<th>group</th><th>version</th><th>observed</th><th>threshold</th></tr>");
    for (Map<String, Object> a : (List<Map<String, Object>>) summary.fields().get("alert_list")) {
      boolean ece = String.valueOf(a.get("rule")).startsWith("ece");
      html.append("<tr><td>")
          .append(a.get("seconds"))
          .append("</td><td>")
          .append(escape(String.valueOf(a.get("rule"))))
          .append("</td><td>")
          .append(escape(String.valueOf(a.get("group"))))
          .append("</td><td>")
          .append(a.get("prompt_version"))
          .append("</td><td>")
          .append(ece ? percent(a.get("observed")) : ratio(a.get("observed")))
          .append("</td><td>")
          .append(ece ? percent(a.get("threshold")) : ratio(a.get("threshold")))
          .append("</td></tr>");
    }
    return html.append("</table>").toString();
  }

  @SuppressWarnings("unchecked")
  private static String healthTable(DemoSummary summary) {
    StringBuilder html =
        new StringBuilder(
            "<h2>Prompt health: text features against zero-shot's, no label</h2><table><tr>"
                + "<th>seconds</th><th>version</th><th>method</th><th>class set</th>"
                + "<th>base divergence ratio</th><th>new divergence ratio</th>"
                + "<th>new deviation</th></tr>");
    for (Map<String, Object> h :
        (List<Map<String, Object>>) summary.fields().get("prompt_health")) {
      Map<String, Object> base = (Map<String, Object>) h.get("base");
      Map<String, Object> fresh = (Map<String, Object>) h.get("new");
      html.append("<tr><td>")
          .append(h.get("seconds"))
          .append("</td><td>")
          .append(h.get("prompt_version"))
          .append("</td><td>")
          .append(escape(String.valueOf(h.get("method"))))
          .append("</td><td>")
          .append(h.get("class_set_version"))
          .append("</td><td>")
          .append(base == null ? "&ndash;" : ratio(base.get("divergence_ratio")))
          .append("</td><td>")
          .append(fresh == null ? "&ndash;" : ratio(fresh.get("divergence_ratio")))
          .append("</td><td>")
          .append(fresh == null ? "&ndash;" : ratio(fresh.get("deviation")))
          .append("</td></tr>");
    }
    return html.append("</table>").toString();
  }

  private static String ratio(Object value) {
    return value == null
        ? "&ndash;"
        : String.format(Locale.ROOT, "%.3f", ((Number) value).doubleValue());
  }

  @SuppressWarnings("unchecked")
  private static String phasesTable(DemoSummary summary) {
    Map<String, Object> ece = (Map<String, Object>) summary.fields().get("ece");
    Map<String, Object> counts =
        (Map<String, Object>) summary.fields().get("predictions_per_phase");
    StringBuilder html =
        new StringBuilder("<h2>ECE per phase, the task's classes</h2><table><tr><th>group</th>");
    for (DemoPhase phase : DemoPhase.values()) {
      html.append("<th>").append(phase.title()).append("</th>");
    }
    html.append("</tr>");
    for (String group : List.of("base", "new")) {
      Map<String, Object> e = (Map<String, Object>) ece.get(group);
      Map<String, Object> n = (Map<String, Object>) counts.get(group);
      html.append("<tr><th>").append(group).append("</th>");
      for (DemoPhase phase : DemoPhase.values()) {
        html.append("<td>")
            .append(percent(e.get(phase.key())))
            .append(" (n=")
            .append(n.get(phase.key()))
            .append(")</td>");
      }
      html.append("</tr>");
    }
    return html.append("</table>").toString();
  }

  private static String percent(Object fraction) {
    return fraction == null
        ? "&ndash;"
        : String.format(Locale.ROOT, "%.1f%%", 100 * ((Number) fraction).doubleValue());
  }

  private static String timelineSvg(DemoTimeline timeline) {
    List<CalibrationReport> finals = new ArrayList<>(timeline.finals());
    finals.sort(Comparator.comparing(CalibrationReport::getWindowEnd));
    StringBuilder svg = new StringBuilder(svgOpen(WIDTH, HEIGHT));
    if (finals.isEmpty()) {
      return svg.append(text(WIDTH / 2, HEIGHT / 2, "no final reports yet"))
          .append("</svg>")
          .toString();
    }
    long t0 = finals.get(0).getWindowEnd().toEpochMilli();
    long t1 = Math.max(t0 + 1, finals.get(finals.size() - 1).getWindowEnd().toEpochMilli());
    double maxEce = 0.05;
    for (CalibrationReport r : finals) {
      maxEce = Math.max(maxEce, r.getEce());
    }
    double top = Math.ceil(maxEce * 20) / 20;
    svg.append(axes(WIDTH, HEIGHT, "ECE", String.format(Locale.ROOT, "%.0f%%", 100 * top)));
    Instant drift = timeline.driftStart();
    if (drift != null && drift.toEpochMilli() >= t0 && drift.toEpochMilli() <= t1) {
      double x = x(drift.toEpochMilli(), t0, t1);
      svg.append(vertical(x, "6,4"));
    }
    long newestVersion = -1;
    for (CalibrationReport r : finals) {
      if (newestVersion >= 0 && r.getPromptVersion() > newestVersion) {
        double x = x(r.getWindowEnd().toEpochMilli(), t0, t1);
        svg.append(vertical(x, "2,3")).append(text(x + 3, PAD + 10, "v" + r.getPromptVersion()));
      }
      newestVersion = Math.max(newestVersion, r.getPromptVersion());
    }
    for (CalibrationGroup group : List.of(CalibrationGroup.BASE, CalibrationGroup.NEW)) {
      String colour = group == CalibrationGroup.BASE ? BASE_COLOUR : NEW_COLOUR;
      StringBuilder points = new StringBuilder();
      for (CalibrationReport r : finals) {
        if (r.getGroup() == group && r.getLabelledCount() > 0) {
          double x = x(r.getWindowEnd().toEpochMilli(), t0, t1);
          double y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * Math.min(1, r.getEce() / top);
          points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
          svg.append(
              String.format(
                  Locale.ROOT,
                  "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>",
                  x,
                  y,
                  colour));
        }
      }
      svg.append("<polyline fill=\"none\" stroke=\"")
          .append(colour)
          .append("\" stroke-width=\"1.5\" points=\"")
          .append(points)
          .append("\"/>");
    }
    return svg.append("</svg>").toString();
  }

  private static String reliabilitySvg(CalibrationSketch sketch, String title) {
    int size = 220;
    StringBuilder svg = new StringBuilder(svgOpen(size, size));
    svg.append(axes(size, size, "accuracy", "1"));
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\" stroke-dasharray=\"3,3\"/>",
            PAD,
            size - PAD,
            size - PAD,
            PAD));
    if (sketch.isEmpty()) {
      return svg.append(text(PAD, PAD - 10, title + ": no labels")).append("</svg> ").toString();
    }
    ReliabilityDiagram diagram = sketch.diagram();
    double span = size - 2 * PAD;
    double width = span / diagram.binCount();
    for (int m = 0; m < diagram.binCount(); m++) {
      if (diagram.count(m) == 0) {
        continue;
      }
      double h = span * diagram.correctCount(m) / diagram.count(m);
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4c78a8\" opacity=\"0.8\"/>",
              PAD + m * width + 1,
              size - PAD - h,
              width - 2,
              h));
    }
    String label =
        String.format(
            Locale.ROOT, "%s: ECE %.1f%% (n=%d)", title, 100 * sketch.ece(), sketch.count());
    svg.append(text(PAD, PAD - 10, label));
    return svg.append("</svg> ").toString();
  }

  private static double x(long t, long t0, long t1) {
    return PAD + (WIDTH - 2 * PAD) * (double) (t - t0) / (t1 - t0);
  }

  private static String svgOpen(int width, int height) {
    return String.format(
        Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">",
        width,
        height,
        width,
        height);
  }

  private static String axes(int width, int height, String yLabel, String yMax) {
    return String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
            PAD,
            height - PAD,
            width - PAD,
            height - PAD,
            PAD,
            PAD,
            PAD,
            height - PAD)
        + text(4, PAD + 4, yMax)
        + text(4, height - PAD, "0")
        + text(4, height / 2, yLabel);
  }

  private static String vertical(double x, String dash) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\" stroke-dasharray=\"%s\"/>",
        x,
        PAD,
        x,
        HEIGHT - PAD,
        dash);
  }

  private static String text(double x, double y, String s) {
    return String.format(
        Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%s</text>", x, y, escape(s));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
