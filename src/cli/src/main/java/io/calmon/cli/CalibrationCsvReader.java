package io.calmon.cli;

import io.calmon.core.calibration.CalibrationRows;
import io.calmon.core.calibration.ProbabilityRows;
import io.calmon.core.calibration.TopLabelRows;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the CSV that {@code calmon calibration} evaluates. The header decides the kind:
 *
 * <ul>
 *   <li>{@code label,p0,p1,...,p<K-1>}: probability rows (true label in 0..K-1, K probabilities in
 *       [0, 1] summing to 1 within {@value #SUM_TOLERANCE});
 *   <li>{@code confidence,correct}: top-label rows (confidence in [0, 1], correct 0 or 1).
 * </ul>
 *
 * Plain comma-separated numbers: no quoting; cells are trimmed; blank lines are skipped. Every
 * problem is a {@link UserError} naming the file, its line number and the column.
 */
final class CalibrationCsvReader {

  /** How far a row's probabilities may sum from 1. */
  static final double SUM_TOLERANCE = 1e-3;

  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
  private static final Pattern NON_FINITE =
      Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);
  private static final String EXPECTED_HEADERS = "'label,p0,p1,...' or 'confidence,correct'";

  private final String file;
  private int line;

  private CalibrationCsvReader(String file) {
    this.file = file;
  }

  /**
   * Reads and validates the whole file.
   *
   * @throws UserError on a missing or unreadable file, an unknown header, or any bad row
   */
  static CalibrationRows read(Path path) {
    CalibrationCsvReader reader = new CalibrationCsvReader(path.toString());
    try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return reader.parse(in);
    } catch (NoSuchFileException e) {
      throw new UserError(path + ": no such file");
    } catch (IOException e) {
      throw new UserError(path + ": cannot read: " + e.getMessage(), e);
    }
  }

  private CalibrationRows parse(BufferedReader in) throws IOException {
    String header = in.readLine();
    line = 1;
    if (header == null) {
      throw new UserError(file + ": empty file, expected a header " + EXPECTED_HEADERS);
    }
    if (header.startsWith("\uFEFF")) {
      header = header.substring(1);
    }
    String[] columns = split(header);
    if (columns.length == 2 && columns[0].equals("confidence") && columns[1].equals("correct")) {
      return readTopLabel(in, columns);
    }
    if (columns.length >= 2 && columns[0].equals("label")) {
      for (int k = 0; k < columns.length - 1; k++) {
        if (!columns[k + 1].equals("p" + k)) {
          throw error(
              columns[k + 1],
              "unknown header column, expected 'p" + k + "' (" + EXPECTED_HEADERS + ")");
        }
      }
      return readProbabilities(in, columns);
    }
    throw new UserError(
        file + ":1: unknown header '" + header.trim() + "', expected " + EXPECTED_HEADERS);
  }

  private TopLabelRows readTopLabel(BufferedReader in, String[] columns) throws IOException {
    double[] confidences = new double[64];
    boolean[] correct = new boolean[64];
    int n = 0;
    String[] cells;
    while ((cells = nextRow(in, columns)) != null) {
      double confidence = finite(cells[0], columns[0]);
      if (confidence < 0.0 || confidence > 1.0) {
        throw error(columns[0], "confidence " + cells[0] + " outside [0, 1]");
      }
      if (!cells[1].equals("0") && !cells[1].equals("1")) {
        throw error(columns[1], "must be 0 or 1, got '" + cells[1] + "'");
      }
      if (n == confidences.length) {
        confidences = Arrays.copyOf(confidences, 2 * n);
        correct = Arrays.copyOf(correct, 2 * n);
      }
      confidences[n] = confidence;
      correct[n] = cells[1].equals("1");
      n++;
    }
    requireRows(n);
    return new TopLabelRows(Arrays.copyOf(confidences, n), Arrays.copyOf(correct, n));
  }

  private ProbabilityRows readProbabilities(BufferedReader in, String[] columns)
      throws IOException {
    int classes = columns.length - 1;
    List<double[]> probabilities = new ArrayList<>();
    int[] labels = new int[64];
    String[] cells;
    while ((cells = nextRow(in, columns)) != null) {
      if (!INTEGER.matcher(cells[0]).matches()) {
        throw error(columns[0], "not an integer: '" + cells[0] + "'");
      }
      long label = Long.parseLong(cells[0]);
      if (label < 0 || label >= classes) {
        throw error(columns[0], "label " + label + " outside 0.." + (classes - 1));
      }
      double[] p = new double[classes];
      double sum = 0.0;
      for (int k = 0; k < classes; k++) {
        p[k] = finite(cells[k + 1], columns[k + 1]);
        if (p[k] < 0.0 || p[k] > 1.0) {
          throw error(columns[k + 1], "probability " + cells[k + 1] + " outside [0, 1]");
        }
        sum += p[k];
      }
      if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
        throw new UserError(
            String.format(
                Locale.ROOT,
                "%s:%d: probabilities sum to %s, not 1 (tolerance %s)",
                file,
                line,
                sum,
                SUM_TOLERANCE));
      }
      if (probabilities.size() == labels.length) {
        labels = Arrays.copyOf(labels, 2 * labels.length);
      }
      labels[probabilities.size()] = (int) label;
      probabilities.add(p);
    }
    requireRows(probabilities.size());
    return new ProbabilityRows(
        Arrays.copyOf(labels, probabilities.size()), probabilities.toArray(new double[0][]));
  }

  /** The next non-blank row's cells, or null at the end of the file. */
  private String[] nextRow(BufferedReader in, String[] columns) throws IOException {
    String text;
    while ((text = in.readLine()) != null) {
      line++;
      if (!text.isBlank()) {
        String[] cells = split(text);
        if (cells.length != columns.length) {
          throw new UserError(
              file + ":" + line + ": expected " + columns.length + " columns, got " + cells.length);
        }
        return cells;
      }
    }
    return null;
  }

  private double finite(String cell, String column) {
    if (NON_FINITE.matcher(cell).matches()) {
      throw error(column, "not a finite number: '" + cell + "'");
    }
    if (!DECIMAL.matcher(cell).matches()) {
      throw error(column, "not a number: '" + cell + "'");
    }
    double value = Double.parseDouble(cell);
    if (!Double.isFinite(value)) {
      throw error(column, "not a finite number: '" + cell + "'");
    }
    return value;
  }

  private void requireRows(int n) {
    if (n == 0) {
      throw new UserError(file + ": no data rows after the header");
    }
  }

  private UserError error(String column, String problem) {
    return new UserError(file + ":" + line + ": column '" + column + "': " + problem);
  }

  private static String[] split(String text) {
    String[] cells = text.split(",", -1);
    for (int i = 0; i < cells.length; i++) {
      cells[i] = cells[i].trim();
    }
    return cells;
  }
}
