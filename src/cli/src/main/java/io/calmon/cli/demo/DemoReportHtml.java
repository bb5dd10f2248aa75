package io.calmon.cli.demo;

import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page (inline SVG, no scripts) showing a demo run: the ECE of base and new
 * classes per final window with the drift start and prompt-version changes marked, and a
 * reliability diagram per phase and group.
 */
final class DemoReportHtml {
  private static final int WIDTH = 720;
  private static final int HEIGHT = 260;
  private static final int PAD = 40;
  private static final String BASE_COLOUR = "#1f77b4";
  private static final String NEW_COLOUR = "#d62728";

  private DemoReportHtml() {}

  static String render(DemoTimeline timeline, String title) {
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
    html.append("<h2>ECE per window (final reports)</h2>").append(timelineSvg(timeline));
    html.append("<p><span style=\"color:")
        .append(BASE_COLOUR)
        .append("\">&#9632; base classes</span> &nbsp; <span style=\"color:")
        .append(NEW_COLOUR)
        .append("\">&#9632; new classes</span> &nbsp; dashed: drift starts; dotted: a new prompt")
        .append(" version is served</p>");
    html.append("<h2>Calibration per phase</h2><table><tr><th>group</th>");
    for (DemoPhase phase : DemoPhase.values()) {
      html.append("<th>").append(phase.title()).append("</th>");
    }
    html.append("</tr>");
    for (CalibrationGroup group : List.of(CalibrationGroup.BASE, CalibrationGroup.NEW)) {
      Map<DemoPhase, PooledBins> pools = timeline.pooled(group);
      html.append("<tr><th>").append(group.name().toLowerCase(Locale.ROOT)).append("</th>");
      for (DemoPhase phase : DemoPhase.values()) {
        PooledBins pool = pools.get(phase);
        html.append("<td>")
            .append(
                pool.count() == 0
                    ? "&ndash;"
                    : String.format(
                        Locale.ROOT,
                        "ECE %.1f%%, acc %.1f%% (n=%d)",
                        100 * pool.ece(),
                        100 * pool.accuracy(),
                        pool.count()))
            .append("</td>");
      }
      html.append("</tr>");
    }
    html.append("</table><h2>Reliability diagrams</h2>");
    for (CalibrationGroup group : List.of(CalibrationGroup.BASE, CalibrationGroup.NEW)) {
      Map<DemoPhase, PooledBins> pools = timeline.pooled(group);
      html.append("<h3>").append(group.name().toLowerCase(Locale.ROOT)).append(" classes</h3>");
      for (DemoPhase phase : DemoPhase.values()) {
        html.append(reliabilitySvg(pools.get(phase), phase.title()));
      }
    }
    return html.append("</body></html>\n").toString();
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

  private static String reliabilitySvg(PooledBins pool, String title) {
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
    double span = size - 2 * PAD;
    double width = span / pool.bins();
    for (int m = 0; m < pool.bins(); m++) {
      double[] bin = pool.bin(m);
      if (bin[2] == 0) {
        continue;
      }
      double h = span * bin[1];
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
        pool.count() == 0
            ? title + ": no labels"
            : String.format(Locale.ROOT, "%s: ECE %.1f%%", title, 100 * pool.ece());
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
