package io.calmon.kafka;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * One topic of the calmon data flow: its (possibly prefixed) name, what its key is, the Avro record
 * its values hold, and how Kafka must clean it up.
 *
 * @param name the full topic name, prefix included
 * @param baseName the name without prefix, as in the design table (e.g. {@code image-events})
 * @param key what the record key holds, in words (all keys are strings)
 * @param valueType the Avro record class of the values
 * @param cleanupPolicy {@link CleanupPolicy#COMPACT} for latest-value-per-key topics
 * @param doc what the topic is for
 */
public record CalmonTopic(
    String name,
    String baseName,
    String key,
    Class<? extends SpecificRecord> valueType,
    CleanupPolicy cleanupPolicy,
    String doc) {

  /** Kafka's {@code cleanup.policy} values that calmon uses. */
  public enum CleanupPolicy {
    /** Old segments are deleted by retention: event streams. */
    DELETE("delete"),
    /** The latest value per key is kept forever: state such as the current prompt version. */
    COMPACT("compact");

    private final String configValue;

    CleanupPolicy(String configValue) {
      this.configValue = configValue;
    }

    /** The value of the {@code cleanup.policy} topic config. */
    public String configValue() {
      return configValue;
    }
  }

  public CalmonTopic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseName, "baseName");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(valueType, "valueType");
    Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
    Objects.requireNonNull(doc, "doc");
  }

  /** True for compacted topics (latest value per key). */
  public boolean compacted() {
    return cleanupPolicy == CleanupPolicy.COMPACT;
  }
}
