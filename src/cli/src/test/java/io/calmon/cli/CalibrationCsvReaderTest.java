package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.core.calibration.CalibrationRows;
import io.calmon.core.calibration.ProbabilityRows;
import io.calmon.core.calibration.TopLabelRows;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationCsvReaderTest {

  @TempDir Path dir;

  private Path write(String content) throws IOException {
    Path file = dir.resolve("rows.csv");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private String errorOf(String content) throws IOException {
    Path file = write(content);
    UserError e = assertThrows(UserError.class, () -> CalibrationCsvReader.read(file));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    return e.getMessage().substring(file.toString().length());
  }

  @Test
  void shouldReadProbabilityRows() throws IOException {
    CalibrationRows rows =
        CalibrationCsvReader.read(write("label,p0,p1\n0, 0.8, 0.2\n\n1,0.6,0.4\r\n"));
    ProbabilityRows p = assertInstanceOf(ProbabilityRows.class, rows);
    assertEquals(2, p.size());
    assertEquals(2, p.classes());
    assertEquals(1, p.label(1));
    assertEquals(0.6, p.probability(1, 0));
  }

  @Test
  void shouldReadTopLabelRows() throws IOException {
    CalibrationRows rows =
        CalibrationCsvReader.read(write("\uFEFFconfidence,correct\n0.9,1\n1e-1,0\n"));
    TopLabelRows t = assertInstanceOf(TopLabelRows.class, rows);
    assertEquals(2, t.size());
    assertEquals(0.1, t.confidence(1));
    assertFalse(t.correct(1));
  }

  @Test
  void shouldAcceptProbabilitiesThatSumToOneWithinTolerance() throws IOException {
    assertEquals(1, CalibrationCsvReader.read(write("label,p0,p1\n0,0.3333,0.6666\n")).size());
  }

  @Test
  void shouldRejectAnUnknownHeader() throws IOException {
    assertEquals(
        ":1: unknown header 'conf,ok', expected 'label,p0,p1,...' or 'confidence,correct'",
        errorOf("conf,ok\n0.5,1\n"));
    assertTrue(errorOf("label,p0,p2\n0,0.5,0.5\n").startsWith(":1: column 'p2': unknown header"));
  }

  @Test
  void shouldRejectAWrongColumnCount() throws IOException {
    assertEquals(":3: expected 3 columns, got 2", errorOf("label,p0,p1\n0,0.5,0.5\n1,1.0\n"));
  }

  @Test
  void shouldRejectANonNumber() throws IOException {
    assertEquals(":2: column 'p1': not a number: 'abc'", errorOf("label,p0,p1\n0,0.5,abc\n"));
    assertEquals(":2: column 'confidence': not a number: ''", errorOf("confidence,correct\n,1\n"));
    assertEquals(":2: column 'p0': not a number: '0.5f'", errorOf("label,p0,p1\n0,0.5f,0.5\n"));
  }

  @Test
  void shouldRejectNanAndInfinity() throws IOException {
    assertEquals(
        ":2: column 'p0': not a finite number: 'NaN'", errorOf("label,p0,p1\n0,NaN,0.5\n"));
    assertEquals(
        ":2: column 'confidence': not a finite number: 'inf'",
        errorOf("confidence,correct\ninf,1\n"));
    assertEquals(
        ":2: column 'confidence': not a finite number: '1e999'",
        errorOf("confidence,correct\n1e999,1\n"));
  }

  @Test
  void shouldRejectAProbabilityOutsideTheUnitInterval() throws IOException {
    assertEquals(
        ":2: column 'p1': probability -0.1 outside [0, 1]", errorOf("label,p0,p1\n0,1.0,-0.1\n"));
    assertEquals(
        ":3: column 'confidence': confidence 1.5 outside [0, 1]",
        errorOf("confidence,correct\n0.5,1\n1.5,1\n"));
  }

  @Test
  void shouldRejectProbabilitiesThatDoNotSumToOne() throws IOException {
    assertEquals(
        ":2: probabilities sum to 0.9, not 1 (tolerance 0.001)",
        errorOf("label,p0,p1\n0,0.5,0.4\n"));
  }

  @Test
  void shouldRejectALabelOutsideTheClasses() throws IOException {
    assertEquals(":2: column 'label': label 2 outside 0..1", errorOf("label,p0,p1\n2,0.5,0.5\n"));
    assertEquals(":2: column 'label': label -1 outside 0..1", errorOf("label,p0,p1\n-1,0.5,0.5\n"));
    assertEquals(
        ":2: column 'label': not an integer: '1.0'", errorOf("label,p0,p1\n1.0,0.5,0.5\n"));
  }

  @Test
  void shouldRejectCorrectOtherThanZeroOrOne() throws IOException {
    assertEquals(
        ":2: column 'correct': must be 0 or 1, got 'true'",
        errorOf("confidence,correct\n0.5,true\n"));
  }

  @Test
  void shouldRejectAFileWithNoRows() throws IOException {
    assertEquals(": no data rows after the header", errorOf("confidence,correct\n\n"));
    assertTrue(errorOf("").startsWith(": empty file"));
  }

  @Test
  void shouldRejectAMissingFile() {
    Path missing = dir.resolve("missing.csv");
    UserError e = assertThrows(UserError.class, () -> CalibrationCsvReader.read(missing));
    assertEquals(missing + ": no such file", e.getMessage());
  }
}
