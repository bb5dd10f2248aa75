package io.calmon.monitor.topology;

import io.calmon.schemas.ClassSet;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each deployment's latest class set (the compacted class-sets topic, keyed by deployment); a
 * tombstone removes it. Undecodable records are skipped ({@link GlobalLoader}).
 */
final class ClassSetLoader extends GlobalLoader<ClassSet> {
  private KeyValueStore<String, byte[]> classSets;

  ClassSetLoader(MonitorCounters counters) {
    super(ClassSet.class, "class set", counters);
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    super.init(context);
    this.classSets = context.getStateStore(MonitorTopology.CLASS_SETS_STORE);
  }

  @Override
  void load(String deployment, ClassSet classSet, byte[] bytes, long timestamp) {
    classSets.put(deployment, bytes);
  }

  @Override
  void remove(String deployment) {
    classSets.delete(deployment);
  }
}
