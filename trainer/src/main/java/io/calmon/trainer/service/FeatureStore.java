package io.calmon.trainer.service;

import io.calmon.schemas.state.FewShotSample;
import io.calmon.schemas.state.SamplePool;
import io.calmon.trainer.loop.FewShotReservoir;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The trainer's image features: the few-shot reservoir (training sample) and the held-out buffer
 * (publish gate), fed with labelled examples, and the bookkeeping that persists each changed class
 * as a {@link FewShotSample} on the compacted {@code trainer-state} topic.
 */
final class FeatureStore {

  /** What happened to one labelled example. */
  enum Outcome {
    HELD_OUT,
    KEPT,
    DROPPED
  }

  private record Key(SamplePool pool, String className) {}

  /** A held-out example: its image features and its image event's time (epoch millis). */
  private record HeldOut(float[] features, long eventTime) {}

  /**
   * The event time given to a held-out row persisted before event times were: the epoch, older than
   * any evidence.
   */
  static final long UNKNOWN_TIME = 0L;

  private final String deployment;
  private final long seed;
  private final int heldOutOneIn;
  private final FewShotReservoir<float[]> reservoir;
  private final HeldOutBuffer<HeldOut> heldOut;
  private final Set<Key> changed = new LinkedHashSet<>();

  FeatureStore(String deployment, int shots, int heldOutPerClass, int heldOutOneIn, long seed) {
    this.deployment = deployment;
    this.seed = seed;
    this.heldOutOneIn = heldOutOneIn;
    this.reservoir = new FewShotReservoir<>(shots, seed);
    this.heldOut = new HeldOutBuffer<>(heldOutPerClass);
  }

  /**
   * Routes one labelled example: held out (1 in N by event id), or offered to the reservoir. The
   * features are computed only when they are kept.
   *
   * @param eventTime the image event's time (epoch millis), kept with a held-out example
   */
  Outcome add(String eventId, String className, long eventTime, Supplier<float[]> features) {
    if (HeldOutBuffer.isHeldOut(eventId, seed, heldOutOneIn)) {
      heldOut.add(className, new HeldOut(features.get(), eventTime));
      changed.add(new Key(SamplePool.HELD_OUT, className));
      return Outcome.HELD_OUT;
    }
    int slot = reservoir.admit(className);
    // The reservoir's seen count moves even for a dropped example: persist it with the next change.
    if (slot < 0) {
      return Outcome.DROPPED;
    }
    reservoir.put(className, slot, features.get());
    changed.add(new Key(SamplePool.RESERVOIR, className));
    return Outcome.KEPT;
  }

  /** Puts back a persisted sample of this deployment; others are ignored. */
  void restore(FewShotSample s) {
    if (!deployment.equals(s.getDeployment())) {
      return;
    }
    List<float[]> rows = new ArrayList<>(s.getFeatures().size());
    for (List<Float> row : s.getFeatures()) {
      float[] f = new float[row.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = row.get(i);
      }
      rows.add(f);
    }
    if (s.getPool() == SamplePool.HELD_OUT) {
      // Samples written before event times were kept (or with a mismatched list) have none.
      List<Instant> times = s.getEventTimes();
      boolean timed = times != null && times.size() == rows.size();
      List<HeldOut> examples = new ArrayList<>(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        examples.add(new HeldOut(rows.get(i), timed ? times.get(i).toEpochMilli() : UNKNOWN_TIME));
      }
      heldOut.restore(s.getClassName(), s.getSeen(), examples);
    } else {
      List<float[]> kept = rows.subList(0, Math.min(rows.size(), reservoir.shots()));
      reservoir.restore(new FewShotReservoir.ClassSample<>(s.getClassName(), s.getSeen(), kept));
    }
  }

  /** The key of a sample on the state topic. */
  static String key(FewShotSample s) {
    return s.getDeployment() + "/" + s.getPool() + "/" + s.getClassName();
  }

  /** Samples of every class changed since the last call, to persist. */
  List<FewShotSample> drainChanged() {
    List<FewShotSample> out = new ArrayList<>();
    for (Key k : changed) {
      List<float[]> rows;
      List<Instant> times = new ArrayList<>();
      long seen;
      if (k.pool() == SamplePool.HELD_OUT) {
        rows = new ArrayList<>();
        for (HeldOut h : heldOut.examples(k.className())) {
          rows.add(h.features());
          times.add(Instant.ofEpochMilli(h.eventTime()));
        }
        seen = heldOut.seen(k.className());
      } else {
        FewShotReservoir.ClassSample<float[]> s = reservoir.sample(k.className());
        rows = s.examples();
        seen = s.seen();
      }
      List<List<Float>> features = new ArrayList<>(rows.size());
      for (float[] r : rows) {
        List<Float> row = new ArrayList<>(r.length);
        for (float v : r) {
          row.add(v);
        }
        features.add(row);
      }
      out.add(
          FewShotSample.newBuilder()
              .setDeployment(deployment)
              .setPool(k.pool())
              .setClassName(k.className())
              .setSeen(seen)
              .setFeatures(features)
              .setEventTimes(times)
              .setUpdatedAt(Instant.now())
              .build());
    }
    changed.clear();
    return out;
  }

  /** Classes with at least {@code minShots} examples in the reservoir. */
  List<String> readyClasses(int minShots) {
    return reservoir.classesWithAtLeast(minShots);
  }

  /** Every class seen in the reservoir or the held-out buffer, in first-seen order. */
  List<String> knownClasses() {
    Set<String> all = new LinkedHashSet<>(reservoir.classes());
    all.addAll(heldOut.classes());
    return List.copyOf(all);
  }

  /** The reservoir's examples of {@code className}. */
  List<float[]> reservoirExamples(String className) {
    return reservoir.sample(className).examples();
  }

  /** A copy of the held-out examples by class. */
  Map<String, List<float[]>> heldOutByClass() {
    return heldOutByClass(Long.MIN_VALUE);
  }

  /**
   * A copy of the held-out examples by class whose event time is {@code since} or later (epoch
   * millis), oldest first; classes left with none are omitted.
   */
  Map<String, List<float[]>> heldOutByClass(long since) {
    Map<String, List<float[]>> m = new LinkedHashMap<>();
    for (String c : heldOut.classes()) {
      List<float[]> rows = new ArrayList<>();
      for (HeldOut h : heldOut.examples(c)) {
        if (h.eventTime() >= since) {
          rows.add(h.features());
        }
      }
      if (!rows.isEmpty()) {
        m.put(c, rows);
      }
    }
    return m;
  }

  /**
   * How many held-out examples of {@code classes} have an event time of {@code since} or later: the
   * examples a candidate served with those classes can be judged on.
   */
  int heldOutSince(long since, Collection<String> classes) {
    int n = 0;
    for (Map.Entry<String, List<float[]>> e : heldOutByClass(since).entrySet()) {
      n += classes.contains(e.getKey()) ? e.getValue().size() : 0;
    }
    return n;
  }

  int reservoirSize() {
    return reservoir.classes().stream().mapToInt(c -> reservoir.sample(c).examples().size()).sum();
  }

  /** Examples in the reservoir per class, in first-seen order. */
  Map<String, Integer> reservoirShots() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (String c : reservoir.classes()) {
      m.put(c, reservoir.sample(c).examples().size());
    }
    return m;
  }

  int reservoirClasses() {
    return reservoir.classes().size();
  }

  int heldOutSize() {
    return heldOut.size();
  }
}
