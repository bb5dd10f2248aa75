package io.calmon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calmon.core.calibration.CalibrationMetrics;
import io.calmon.core.calibration.ReliabilityBin;
import java.util.Locale;

/** Renders {@link CalibrationMetrics} as one JSON object or as a readable table. */
final class CalibrationOutput {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CalibrationOutput() {}

  /**
   * One JSON object, one line: {@code n, accuracy, ece, ace, mce, mce_weighted, bins, ece_ci} and,
   * for probability rows, {@code classwise_ece, brier, nll}. Numbers keep full double precision.
   */
  static String json(CalibrationMetrics m) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("n", m.n());
    root.put("accuracy", m.accuracy());
    root.put("ece", m.ece());
    root.put("ace", m.ace());
    root.put("mce", m.mce());
    root.put("mce_weighted", m.mceWeighted());
    ArrayNode bins = root.putArray("bins");
    for (ReliabilityBin b : m.bins()) {
      bins.addObject()
          .put("lower", b.lower())
          .put("upper", b.upper())
          .put("count", b.count())
          .put("confidence", b.confidence())
          .put("accuracy", b.accuracy());
    }
    root.putArray("ece_ci").add(m.eceInterval().low()).add(m.eceInterval().high());
    m.classwiseEce().ifPresent(v -> root.put("classwise_ece", v));
    m.brier().ifPresent(v -> root.put("brier", v));
    m.nll().ifPresent(v -> root.put("nll", v));
    try {
      return MAPPER.writeValueAsString(root) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON of an in-memory tree", e);
    }
  }

  /** A summary followed by the reliability table, errors as fractions with 4 decimals. */
  static String text(CalibrationMetrics m, String source) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT, "calibration of %s (%d rows, %d bins)%n", source, m.n(), m.bins().size()));
    row(s, "accuracy", m.accuracy());
    row(s, "mean confidence", m.meanConfidence());
    s.append(
        String.format(
            Locale.ROOT,
            "  %-16s %.4f  (%.0f%% CI %.4f .. %.4f, %d resamples)%n",
            "ECE",
            m.ece(),
            100 * m.eceInterval().level(),
            m.eceInterval().low(),
            m.eceInterval().high(),
            m.eceInterval().resamples()));
    row(s, "ACE", m.ace());
    row(s, "MCE", m.mce());
    row(s, "MCE (weighted)", m.mceWeighted());
    m.classwiseEce().ifPresent(v -> row(s, "classwise ECE", v));
    m.brier().ifPresent(v -> row(s, "Brier", v));
    m.nll().ifPresent(v -> row(s, "NLL", v));
    s.append(System.lineSeparator());
    s.append(
        String.format(
            Locale.ROOT,
            "  %-17s %8s %10s %9s %8s%n",
            "bin",
            "count",
            "confidence",
            "accuracy",
            "gap"));
    for (ReliabilityBin b : m.bins()) {
      String range =
          String.format(
              Locale.ROOT, "%s%.4f, %.4f]", b.lower() == 0.0 ? "[" : "(", b.lower(), b.upper());
      if (b.isEmpty()) {
        s.append(String.format(Locale.ROOT, "  %-17s %8d %10s %9s %8s%n", range, 0, "-", "-", "-"));
      } else {
        s.append(
            String.format(
                Locale.ROOT,
                "  %-17s %8d %10.4f %9.4f %8.4f%n",
                range,
                b.count(),
                b.confidence(),
                b.accuracy(),
                b.gap()));
      }
    }
    return s.toString();
  }

  private static void row(StringBuilder s, String name, double value) {
    s.append(String.format(Locale.ROOT, "  %-16s %.4f%n", name, value));
  }
}
