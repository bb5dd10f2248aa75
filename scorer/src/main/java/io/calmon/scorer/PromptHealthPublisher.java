package io.calmon.scorer;

import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.serde.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the {@link PromptHealth} of each tuned prompt the scorer starts serving to {@code
 * prompt-health}, keyed by deployment. An idempotent producer outside the scoring transactions: a
 * measure depends only on the prompt and the class set, every scorer instance publishes the same
 * one, and readers keep one per (prompt version, class set version), so a copy more is harmless. A
 * send that fails is logged; it never stops scoring. The producer starts on the first record.
 */
final class PromptHealthPublisher implements Consumer<PromptHealth>, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PromptHealthPublisher.class);

  private final ScorerConfig config;
  private final RecordCodec<PromptHealth> codec;
  private KafkaProducer<byte[], byte[]> producer;

  PromptHealthPublisher(ScorerConfig config) {
    this.config = config;
    this.codec =
        config
            .kafka()
            .valueFormat()
            .codec(PromptHealth.class, config.topics().promptHealth().name());
  }

  @Override
  public synchronized void accept(PromptHealth health) {
    if (producer == null) {
      producer = newProducer();
    }
    String topic = config.topics().promptHealth().name();
    producer.send(
        new ProducerRecord<>(
            topic, health.getDeployment().getBytes(StandardCharsets.UTF_8), codec.encode(health)),
        (metadata, e) -> {
          if (e != null) {
            LOG.warn(
                "{}: prompt health of version {} with class set {} not published to {}: {}",
                health.getDeployment(),
                health.getPromptVersion(),
                health.getClassSetVersion(),
                topic,
                e.getMessage());
          }
        });
  }

  private KafkaProducer<byte[], byte[]> newProducer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-health");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    config.kafka().applyTo(p);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
      producer = null;
    }
  }
}
