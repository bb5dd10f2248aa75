package io.calmon.monitor.topology;

import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.state.VersionBaseClasses;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the base classes of every prompt version read from the prompt-versions topic, keyed {@code
 * deployment|version}: what the join needs to put a labelled prediction in TRUE_BASE or TRUE_NEW.
 * The topic is compacted by deployment, so every version is kept here as it passes (a tombstone
 * removes nothing: predictions of older versions may still come). Undecodable records are skipped
 * ({@link GlobalLoader}).
 */
final class BaseClassesLoader extends GlobalLoader<PromptVersion> {
  private KeyValueStore<String, VersionBaseClasses> baseClasses;

  BaseClassesLoader(MonitorCounters counters, TopologyCodecs codecs) {
    super(codecs.promptVersions(), "prompt version", counters);
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    super.init(context);
    this.baseClasses = context.getStateStore(MonitorTopology.BASE_CLASSES_STORE);
  }

  static String key(String deployment, long version) {
    return deployment + "|" + version;
  }

  @Override
  void load(String key, PromptVersion version, byte[] bytes, long timestamp) {
    baseClasses.put(
        key(version.getDeployment(), version.getVersion()),
        VersionBaseClasses.newBuilder()
            .setDeployment(version.getDeployment())
            .setPromptVersion(version.getVersion())
            .setBaseClasses(version.getBaseClasses())
            .build());
  }

  @Override
  void remove(String key) {}
}
