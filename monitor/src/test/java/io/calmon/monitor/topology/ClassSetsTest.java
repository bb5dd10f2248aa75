package io.calmon.monitor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.calmon.schemas.ClassSet;
import io.calmon.schemas.serde.AvroCodec;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class ClassSetsTest {
  private static final AvroCodec<ClassSet> CODEC = AvroCodec.of(ClassSet.class);

  private static byte[] classSet(long version, List<String> names) {
    return CODEC.encode(
        ClassSet.newBuilder()
            .setDeployment("d")
            .setVersion(version)
            .setCreatedAt(Instant.parse("2026-01-01T00:00:00Z"))
            .setClassNames(names)
            .build());
  }

  @Test
  void shouldDecodeAClassSetOnceWhileItsBytesStayTheSame() {
    KeyValueStore<String, byte[]> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("class-set-bytes"),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    ClassSets classSets = new ClassSets(store, AvroCodec.of(ClassSet.class));
    assertNull(classSets.get("d"));

    store.put("d", classSet(1, List.of("cat", "dog")));
    ClassSet first = classSets.get("d");
    assertEquals(List.of("cat", "dog"), first.getClassNames());
    assertSame(first, classSets.get("d"), "same bytes: not decoded again");

    store.put("d", classSet(2, List.of("cat", "dog", "owl")));
    assertEquals(2, classSets.get("d").getVersion(), "new bytes: the new class set");

    store.delete("d");
    assertNull(classSets.get("d"));
  }
}
