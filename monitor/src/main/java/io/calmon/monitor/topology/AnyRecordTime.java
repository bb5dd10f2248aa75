package io.calmon.monitor.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The record's own timestamp, or the partition's time when that is negative: never fails and never
 * skips. Kafka Streams' default extractor throws on a negative timestamp, which would stop the
 * monitor on one record any producer can write; the monitor reads the times it uses from the
 * records' bodies (a prediction's event time, a label's labelled-at time) and validates them there,
 * so a bad record timestamp only needs to be harmless.
 */
final class AnyRecordTime implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.timestamp() >= 0) {
      return record.timestamp();
    }
    return Math.max(0, partitionTime);
  }
}
