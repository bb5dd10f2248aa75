package io.calmon.monitor.topology;

import io.calmon.schemas.ClassSet;
import io.calmon.schemas.serde.AvroCodec;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each deployment's latest class set (the compacted class-sets topic, keyed by deployment); a
 * tombstone removes it. Beside it, under {@link #everServedKey}, a class set holding every class of
 * the deployment's class sets read (restored from what the topic still holds after a restart): a
 * label arrives after its event, perhaps after the class set moved on. Undecodable records are
 * skipped ({@link GlobalLoader}).
 */
final class ClassSetLoader extends GlobalLoader<ClassSet> {
  private static final AvroCodec<ClassSet> EVER_SERVED = AvroCodec.of(ClassSet.class);
  private KeyValueStore<String, byte[]> classSets;

  ClassSetLoader(MonitorCounters counters, TopologyCodecs codecs) {
    super(codecs.classSets(), "class set", counters);
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    super.init(context);
    this.classSets = context.getStateStore(MonitorTopology.CLASS_SETS_STORE);
  }

  /**
   * The store key of the deployment's classes ever served; no deployment name starts with a NUL
   * character, so it cannot clash with one.
   */
  static String everServedKey(String deployment) {
    return "\u0000ever-served\u0000" + deployment;
  }

  @Override
  void load(String deployment, ClassSet classSet, byte[] bytes, long timestamp) {
    classSets.put(deployment, bytes);
    byte[] before = classSets.get(everServedKey(deployment));
    LinkedHashSet<String> names = new LinkedHashSet<>();
    if (before != null) {
      names.addAll(EVER_SERVED.decode(before).getClassNames());
    }
    names.addAll(classSet.getClassNames());
    ClassSet union = ClassSet.newBuilder(classSet).setClassNames(List.copyOf(names)).build();
    classSets.put(everServedKey(deployment), EVER_SERVED.encode(union));
  }

  @Override
  void remove(String deployment) {
    classSets.delete(deployment);
    classSets.delete(everServedKey(deployment));
  }
}
