package io.calmon.trainer.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.schemas.state.FewShotSample;
import io.calmon.schemas.state.SamplePool;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FeatureStoreTest {

  @Test
  void shouldComputeFeaturesOnlyForKeptExamples() {
    FeatureStore store = new FeatureStore("d", 2, 4, 5, 1);
    AtomicInteger encoded = new AtomicInteger();
    int kept = 0;
    for (int i = 0; i < 100; i++) {
      FeatureStore.Outcome o =
          store.add("e" + i, "cat", () -> new float[] {encoded.incrementAndGet()});
      kept += o == FeatureStore.Outcome.DROPPED ? 0 : 1;
    }
    assertEquals(kept, encoded.get());
    assertTrue(encoded.get() < 100, "a full reservoir must skip most examples");
    assertEquals(List.of("cat"), store.readyClasses(2));
  }

  @Test
  void shouldRestoreWhatItPersisted() {
    FeatureStore store = new FeatureStore("d", 3, 4, 5, 1);
    for (int i = 0; i < 20; i++) {
      float v = i;
      store.add("e" + i, i % 2 == 0 ? "cat" : "dog", () -> new float[] {v, -v});
    }
    List<FewShotSample> samples = store.drainChanged();
    assertTrue(samples.stream().anyMatch(s -> s.getPool() == SamplePool.RESERVOIR));
    assertTrue(store.drainChanged().isEmpty(), "drained once");

    FeatureStore restored = new FeatureStore("d", 3, 4, 5, 1);
    samples.forEach(restored::restore);
    restored.restore(
        FewShotSample.newBuilder(samples.get(0)).setDeployment("other").setClassName("x").build());
    assertEquals(store.knownClasses(), restored.knownClasses());
    for (String c : List.of("cat", "dog")) {
      List<float[]> a = store.reservoirExamples(c);
      List<float[]> b = restored.reservoirExamples(c);
      assertEquals(a.size(), b.size());
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(a.get(i), b.get(i));
      }
    }
    assertEquals(store.heldOutSize(), restored.heldOutSize());
  }
}
