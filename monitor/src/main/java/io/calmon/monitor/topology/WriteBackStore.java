package io.calmon.monitor.topology;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store that keeps the objects written since the last commit as objects and hands them
 * to the store below (serde, cache, changelog, RocksDB) once, just before Kafka Streams commits the
 * task: an aggregate updated a thousand times between two commits is encoded once, not a thousand
 * times.
 *
 * <p>What the commit holds is unchanged: Kafka Streams flushes every store's cache into the
 * changelog before it commits a task's offsets (inside the same transaction under exactly-once),
 * and this store writes its objects back in that flush ({@link #flushCache}). Scans ({@link
 * #range}, {@link #all}, ...) write back first, so they see every write. {@link #get} returns the
 * written object itself: a caller that mutates it must {@link #put} it again for the change to be
 * kept.
 *
 * <p>The flush hook is Kafka Streams' own cache interface ({@code CachedStateStore}, internal API:
 * the public {@link StateStore#commit} runs after the offsets are committed, too late). {@code
 * WriteBackStoreTest} proves that a commit writes the objects to the changelog; a Kafka Streams
 * upgrade that stopped calling the hook fails it.
 */
final class WriteBackStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V>
    implements KeyValueStore<K, V> {
  /** Written since the last write-back; a null value is a delete. */
  private Map<K, V> written = new HashMap<>();

  private WriteBackStore(KeyValueStore<K, V> below) {
    super(below);
  }

  /** Wraps {@code below} (a store from {@code Stores}) so that it writes back at each commit. */
  static <K, V> StoreBuilder<KeyValueStore<K, V>> of(StoreBuilder<KeyValueStore<K, V>> below) {
    return new Builder<>(below);
  }

  @Override
  public V get(K key) {
    if (written.containsKey(key)) {
      return written.get(key);
    }
    return wrapped().get(key);
  }

  @Override
  public void put(K key, V value) {
    written.put(key, value);
  }

  @Override
  public V putIfAbsent(K key, V value) {
    V existing = get(key);
    if (existing == null) {
      put(key, value);
    }
    return existing;
  }

  @Override
  public void putAll(List<KeyValue<K, V>> entries) {
    for (KeyValue<K, V> entry : entries) {
      put(entry.key, entry.value);
    }
  }

  @Override
  public V delete(K key) {
    V existing = get(key);
    written.put(key, null);
    return existing;
  }

  @Override
  public KeyValueIterator<K, V> range(K from, K to) {
    writeBack();
    return wrapped().range(from, to);
  }

  @Override
  public KeyValueIterator<K, V> reverseRange(K from, K to) {
    writeBack();
    return wrapped().reverseRange(from, to);
  }

  @Override
  public KeyValueIterator<K, V> all() {
    writeBack();
    return wrapped().all();
  }

  @Override
  public KeyValueIterator<K, V> reverseAll() {
    writeBack();
    return wrapped().reverseAll();
  }

  @Override
  public <S extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, S serializer) {
    writeBack();
    return wrapped().prefixScan(prefix, serializer);
  }

  @Override
  public long approximateNumEntries() {
    writeBack();
    return wrapped().approximateNumEntries();
  }

  /** Called by Kafka Streams before it commits the task: the objects go down, then on. */
  @Override
  public void flushCache() {
    writeBack();
    super.flushCache();
  }

  /** Called when uncommitted work is thrown away (a task closed dirty): so are the objects. */
  @Override
  public void clearCache() {
    written = new HashMap<>();
    super.clearCache();
  }

  /** Not a cache that forwards its evictions downstream. */
  @Override
  public boolean setFlushListener(
      org.apache.kafka.streams.state.internals.CacheFlushListener<K, V> listener,
      boolean sendOldValues) {
    return false;
  }

  /** Objects written since the last write-back, deletes included. */
  int unwritten() {
    return written.size();
  }

  private void writeBack() {
    if (written.isEmpty()) {
      return;
    }
    KeyValueStore<K, V> below = wrapped();
    // A delete goes down as a put of null, which Kafka Streams' stores take as a delete (a
    // tombstone in the changelog): their delete() would read and decode the old value only to
    // return it.
    for (Map.Entry<K, V> entry : written.entrySet()) {
      below.put(entry.getKey(), entry.getValue());
    }
    // A new map, not clear(): a cleared HashMap keeps its largest table, and every later
    // write-back would walk it. Sized for as many writes as this commit took.
    written = new HashMap<>(Math.max(16, 2 * written.size()));
  }

  private static final class Builder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
    private final StoreBuilder<KeyValueStore<K, V>> below;

    Builder(StoreBuilder<KeyValueStore<K, V>> below) {
      this.below = below;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
      below.withCachingEnabled();
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
      below.withCachingDisabled();
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
      below.withLoggingEnabled(config);
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
      below.withLoggingDisabled();
      return this;
    }

    @Override
    public KeyValueStore<K, V> build() {
      return new WriteBackStore<>(below.build());
    }

    @Override
    public Map<String, String> logConfig() {
      return below.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return below.loggingEnabled();
    }

    @Override
    public String name() {
      return below.name();
    }
  }
}
