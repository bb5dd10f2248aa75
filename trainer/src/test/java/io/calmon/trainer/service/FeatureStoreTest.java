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
  private static final List<String> BOTH = List.of("cat", "dog");

  @Test
  void shouldComputeFeaturesOnlyForKeptExamples() {
    FeatureStore store = new FeatureStore("d", 2, 4, 5, 1);
    AtomicInteger encoded = new AtomicInteger();
    int kept = 0;
    for (int i = 0; i < 100; i++) {
      FeatureStore.Outcome o =
          store.add("e" + i, "cat", i, () -> new float[] {encoded.incrementAndGet()});
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
      store.add("e" + i, i % 2 == 0 ? "cat" : "dog", 1000L * i, () -> new float[] {v, -v});
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
    // Event times travel with the held-out rows: the same examples are newer than any time.
    for (long since : new long[] {0, 5_000, 12_000, 19_000, 20_000}) {
      assertEquals(
          store.heldOutSince(since, BOTH), restored.heldOutSince(since, BOTH), "since " + since);
      assertEquals(
          store.heldOutByClass(since).keySet(),
          restored.heldOutByClass(since).keySet(),
          "" + since);
    }
  }

  @Test
  void shouldSelectHeldOutExamplesFromAnEventTimeOn() {
    // 1 in 2 held out, 8 per class: enough room to keep every held-out example of 40 events.
    FeatureStore store = new FeatureStore("d", 2, 20, 2, 3);
    int heldOut = 0;
    List<Long> heldOutTimes = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      long t = 1000L * i;
      float v = i;
      if (store.add("e" + i, i % 2 == 0 ? "cat" : "dog", t, () -> new float[] {v})
          == FeatureStore.Outcome.HELD_OUT) {
        heldOut++;
        heldOutTimes.add(t);
      }
    }
    assertTrue(heldOut > 10 && heldOut < 30, "about half held out: " + heldOut);
    assertEquals(heldOut, store.heldOutSince(Long.MIN_VALUE, BOTH));
    long since = 20_000;
    long newer = heldOutTimes.stream().filter(t -> t >= since).count();
    assertTrue(newer > 0 && newer < heldOut, "some held-out examples on each side of the time");
    assertEquals(newer, store.heldOutSince(since, BOTH));
    // Only the served classes' examples count (a class set that moved on leaves the others).
    long newerCats = store.heldOutByClass(since).getOrDefault("cat", List.of()).size();
    assertEquals(newerCats, store.heldOutSince(since, List.of("cat", "bird")));
    int rows = 0;
    for (List<float[]> r : store.heldOutByClass(since).values()) {
      for (float[] f : r) {
        assertTrue(f[0] >= 20, "row of event " + f[0] + " is older than the time");
        rows++;
      }
    }
    assertEquals(newer, rows);
    assertEquals(0, store.heldOutSince(40_000, BOTH));
    assertTrue(store.heldOutByClass(40_000).isEmpty(), "no class without examples");
  }

  @Test
  void shouldTreatHeldOutRowsPersistedWithoutEventTimesAsOlderThanAnyTime() {
    FewShotSample legacy =
        FewShotSample.newBuilder()
            .setDeployment("d")
            .setPool(SamplePool.HELD_OUT)
            .setClassName("cat")
            .setSeen(2)
            .setFeatures(List.of(List.of(1f), List.of(2f)))
            .setUpdatedAt(java.time.Instant.EPOCH)
            .build();
    assertEquals(List.of(), legacy.getEventTimes(), "v2 field defaults to no times");
    FeatureStore store = new FeatureStore("d", 2, 4, 5, 1);
    store.restore(legacy);
    assertEquals(2, store.heldOutSize());
    assertEquals(2, store.heldOutByClass().get("cat").size(), "kept for requests without a time");
    assertEquals(0, store.heldOutSince(1, List.of("cat")));
  }
}
