package io.calmon.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calmon.schemas.CalibrationGrouping;
import io.calmon.schemas.CalibrationReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The report's grouping field against the report schema before it (v2 in the history): old reports
 * read as PREDICTED_CLASS, and a reader still on v2 reads new reports, true-class ones included (it
 * cannot tell them apart: their group key on the topic, {@code .../true-new}, does).
 */
class CalibrationReportGroupingTest {

  private static Schema v2() {
    return SchemaStore.standard()
        .versionsOf(CalibrationReport.getClassSchema().getFullName())
        .stream()
        .filter(s -> s.getField("grouping") == null && s.getField("ece_noise_floor") != null)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void shouldReadReportsWrittenBeforeTheFieldAsGroupedByPredictedClass() {
    SchemaStore store = new SchemaStore();
    Schema old = v2();
    store.register(old);
    AvroCodec<CalibrationReport> codec = AvroCodec.of(CalibrationReport.class, store);
    byte[] written = codec.encode(SampleRecords.report());
    // The same body under the old schema's header: what a monitor of v2 wrote.
    byte[] oldBytes = reencode(written, old);
    assertEquals(CalibrationGrouping.PREDICTED_CLASS, codec.decode(oldBytes).getGrouping());
  }

  @Test
  void shouldLetAReaderOnTheOldSchemaReadNewReports() throws IOException {
    assertEquals(
        SchemaCompatibilityType.COMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(v2(), CalibrationReport.getClassSchema())
            .getType());
    CalibrationReport report = SampleRecords.report();
    report.setGrouping(CalibrationGrouping.TRUE_CLASS);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(CalibrationReport.class).write(report, encoder);
    encoder.flush();
    GenericRecord read =
        new GenericDatumReader<GenericRecord>(CalibrationReport.getClassSchema(), v2())
            .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    assertEquals(report.getEce(), (double) read.get("ece"));
    assertEquals(report.getGroup().name(), read.get("group").toString());
  }

  /** {@code written} (current schema) rewritten as a single-object record of {@code old}. */
  private static byte[] reencode(byte[] written, Schema old) {
    try {
      GenericRecord asOld =
          new GenericDatumReader<GenericRecord>(CalibrationReport.getClassSchema(), old)
              .read(
                  null,
                  DecoderFactory.get()
                      .binaryDecoder(
                          written,
                          AvroCodec.HEADER_LENGTH,
                          written.length - AvroCodec.HEADER_LENGTH,
                          null));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(AvroCodec.MARKER_0);
      out.write(AvroCodec.MARKER_1);
      long fingerprint = SchemaStore.fingerprint(old);
      for (int i = 0; i < 8; i++) {
        out.write((int) (fingerprint >>> (8 * i)));
      }
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new org.apache.avro.generic.GenericDatumWriter<GenericRecord>(old).write(asOld, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
