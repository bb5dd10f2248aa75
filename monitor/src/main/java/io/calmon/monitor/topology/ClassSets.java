package io.calmon.monitor.topology;

import io.calmon.schemas.ClassSet;
import io.calmon.schemas.serde.RecordCodec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each deployment's latest class set, read from the global store that {@link ClassSetLoader} fills
 * with the topic's bytes. Every prediction and label is checked against its class set, so the
 * decoded class set is kept and decoded again only when the store's bytes change (the global thread
 * replaces them as new class sets arrive).
 */
final class ClassSets {
  private record Seen(byte[] bytes, ClassSet classSet) {}

  private final KeyValueStore<String, byte[]> store;
  private final RecordCodec<ClassSet> codec;
  private final Map<String, Seen> seen = new HashMap<>();

  ClassSets(KeyValueStore<String, byte[]> store, RecordCodec<ClassSet> codec) {
    this.store = store;
    this.codec = codec;
  }

  /** The deployment's latest class set, or null while the monitor has read none. */
  ClassSet get(String deployment) {
    byte[] bytes = store.get(deployment);
    if (bytes == null) {
      seen.remove(deployment);
      return null;
    }
    Seen last = seen.get(deployment);
    if (last != null && Arrays.equals(last.bytes(), bytes)) {
      return last.classSet();
    }
    ClassSet classSet = codec.decode(bytes); // the loader stored only bytes that decoded
    seen.put(deployment, new Seen(bytes, classSet));
    return classSet;
  }

  /**
   * Whether {@code className} is in the deployment's latest class set or in one the loader read
   * before it ({@link ClassSetLoader#everServedKey}).
   */
  boolean everServed(String deployment, String className) {
    ClassSet latest = get(deployment);
    if (latest == null) {
      return false;
    }
    if (latest.getClassNames().contains(className)) {
      return true;
    }
    ClassSet union = get(ClassSetLoader.everServedKey(deployment));
    return union != null && union.getClassNames().contains(className);
  }
}
