package io.calmon.schemas.serde;

import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.RetrainRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every schema version calmon can read, indexed by the 64-bit fingerprint that Avro's single-object
 * encoding writes in each message header (CRC-64-AVRO of the parsing canonical form).
 *
 * <p>The {@linkplain #standard() standard store} holds the current version of every contract (the
 * generated classes) and every past version listed in {@code io/calmon/schemas/history/index.txt}
 * on the classpath. It is immutable after construction except through {@link #register}, which is
 * thread-safe.
 */
public final class SchemaStore implements org.apache.avro.message.SchemaStore {

  /** The record classes of every current contract, one per topic value. */
  public static final List<Class<? extends SpecificRecord>> CURRENT_RECORDS =
      List.of(
          ImageEvent.class,
          Prediction.class,
          Label.class,
          PromptVersion.class,
          ClassSet.class,
          PromptHealth.class,
          CalibrationReport.class,
          Alert.class,
          RetrainRequest.class,
          DeadLetter.class);

  static final String HISTORY_FOLDER = "io/calmon/schemas/history/";

  private static final SchemaStore STANDARD = loadStandard();

  private final Map<Long, Schema> byFingerprint = new ConcurrentHashMap<>();

  /** An empty store; most callers want {@link #standard()}. */
  public SchemaStore() {}

  /** The shared store of current and past calmon contracts. */
  public static SchemaStore standard() {
    return STANDARD;
  }

  /** The fingerprint single-object encoding uses for {@code schema}. */
  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  /**
   * Adds a schema version. Registering the same schema twice is a no-op.
   *
   * @return its fingerprint
   */
  public long register(Schema schema) {
    long fingerprint = fingerprint(schema);
    byFingerprint.putIfAbsent(fingerprint, schema);
    return fingerprint;
  }

  @Override
  public Schema findByFingerprint(long fingerprint) {
    return byFingerprint.get(fingerprint);
  }

  /** Like {@link #findByFingerprint} without nulls. */
  public Optional<Schema> find(long fingerprint) {
    return Optional.ofNullable(byFingerprint.get(fingerprint));
  }

  /** Every known version of the record with this full name, in no particular order. */
  public List<Schema> versionsOf(String fullName) {
    List<Schema> versions = new ArrayList<>();
    for (Schema schema : byFingerprint.values()) {
      if (schema.getFullName().equals(fullName)) {
        versions.add(schema);
      }
    }
    return versions;
  }

  private static SchemaStore loadStandard() {
    SchemaStore store = new SchemaStore();
    for (Class<? extends SpecificRecord> type : CURRENT_RECORDS) {
      store.register(SpecificData.get().getSchema(type));
    }
    for (Schema past : loadHistory(SchemaStore.class.getClassLoader())) {
      store.register(past);
    }
    return store;
  }

  /** Reads every schema listed in the history index on the classpath. */
  static List<Schema> loadHistory(ClassLoader loader) {
    List<Schema> schemas = new ArrayList<>();
    for (String file : readLines(loader, HISTORY_FOLDER + "index.txt")) {
      String resource = HISTORY_FOLDER + file;
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("schema history lists " + file + " but it is missing");
        }
        schemas.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + resource, e);
      }
    }
    return schemas;
  }

  private static List<String> readLines(ClassLoader loader, String resource) {
    List<String> lines = new ArrayList<>();
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        return lines;
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String trimmed = line.strip();
        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
          lines.add(trimmed);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    return lines;
  }
}
