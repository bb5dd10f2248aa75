package io.calmon.schemas.serde.confluent;

import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.serde.RecordCodec;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * How a process writes the values of calmon's topics, and the one place its codecs come from: Avro
 * single-object encoding (the default, no registry) or Confluent's wire format through a schema
 * registry. Under the Confluent format the public contracts (package {@code io.calmon.schemas}) are
 * written with the registry's ids under each topic's {@code <topic>-value} subject and read in
 * either format, so topics can move from one format to the other while they are read; internal
 * state records ({@code io.calmon.schemas.state}: changelogs, the monitor's repartition topics)
 * stay in single-object encoding, which needs no registry.
 *
 * <p>Thread-safe; codecs are made once per record type (per record type and topic under Confluent's
 * format).
 */
public final class ValueFormat {
  private static final ValueFormat SINGLE_OBJECT = new ValueFormat(null);
  private static final String CONTRACTS = "io.calmon.schemas";

  /** A codec's identity: its record type and, under Confluent's format, its topic. */
  private record Key(Class<?> type, String topic) {}

  private final SchemaRegistryClient registry;
  private final Map<Key, RecordCodec<?>> codecs = new ConcurrentHashMap<>();

  private ValueFormat(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  /** Avro single-object encoding for every topic. */
  public static ValueFormat singleObject() {
    return SINGLE_OBJECT;
  }

  /** Confluent's wire format for the public contracts, through {@code registry}. */
  public static ValueFormat confluent(SchemaRegistryClient registry) {
    return new ValueFormat(Objects.requireNonNull(registry, "registry"));
  }

  /** True under Confluent's wire format. */
  public boolean isConfluent() {
    return registry != null;
  }

  /** The registry's base URLs under Confluent's format; empty otherwise. */
  public java.util.List<String> registryUrls() {
    return registry == null ? java.util.List.of() : registry.urls();
  }

  /**
   * The codec of {@code type}'s values on {@code topic}, made once: a codec keeps its schema, its
   * writer and one reader per writer schema, so callers on a hot path may ask for it per record.
   */
  @SuppressWarnings("unchecked")
  public <T extends SpecificRecord> RecordCodec<T> codec(Class<T> type, String topic) {
    if (registry == null || !isContract(type)) {
      return (RecordCodec<T>) codecs.computeIfAbsent(new Key(type, null), k -> AvroCodec.of(type));
    }
    return (RecordCodec<T>)
        codecs.computeIfAbsent(
            new Key(type, topic),
            k ->
                AnyFormatCodec.writing(
                    AnyFormatCodec.WireFormat.CONFLUENT,
                    ConfluentCodec.forTopic(type, topic, registry),
                    AvroCodec.of(type)));
  }

  /** Whether {@code type} is a public contract (not internal state). */
  static boolean isContract(Class<?> type) {
    return type.getPackageName().equals(CONTRACTS);
  }

  @Override
  public String toString() {
    return registry == null ? "single-object" : "confluent " + registry.urls();
  }
}
