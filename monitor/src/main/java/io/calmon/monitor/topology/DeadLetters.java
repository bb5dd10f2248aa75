package io.calmon.monitor.topology;

import io.calmon.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds dead letters for records the monitor gives up on, with where they came from. */
final class DeadLetters {
  static final String SERVICE = "monitor";

  private DeadLetters() {}

  static DeadLetter of(
      ProcessingContext context, String key, byte[] value, String errorType, String message) {
    RecordMetadata source = context.recordMetadata().orElse(null);
    return DeadLetter.newBuilder()
        .setSourceTopic(source == null ? "(unknown)" : source.topic())
        .setSourcePartition(source == null ? -1 : source.partition())
        .setSourceOffset(source == null ? -1 : source.offset())
        .setOriginalKey(key == null ? null : ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)))
        .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
        .setService(SERVICE)
        .setErrorType(errorType)
        .setErrorMessage(message)
        .setFailedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
        .build();
  }
}
