package io.calmon.monitor.topology;

import io.calmon.kafka.CalmonTopics;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.serde.RecordCodec;
import io.calmon.schemas.serde.confluent.ValueFormat;

/**
 * The codecs of the topology's input topics in the process's {@link ValueFormat}: under Confluent's
 * format they read both wire formats, so the class-set store (the topic's bytes, and the loader's
 * union of classes in single-object encoding) decodes through the same codec.
 */
record TopologyCodecs(
    ValueFormat format,
    RecordCodec<Prediction> predictions,
    RecordCodec<Label> labels,
    RecordCodec<ClassSet> classSets,
    RecordCodec<PromptVersion> promptVersions,
    RecordCodec<PromptHealth> promptHealth) {

  static TopologyCodecs of(ValueFormat format, CalmonTopics topics) {
    return new TopologyCodecs(
        format,
        format.codec(Prediction.class, topics.predictions().name()),
        format.codec(Label.class, topics.labels().name()),
        format.codec(ClassSet.class, topics.classSets().name()),
        format.codec(PromptVersion.class, topics.promptVersions().name()),
        format.codec(PromptHealth.class, topics.promptHealth().name()));
  }
}
