package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.clip.ClipModel;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.kafka.TopicAdmin;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.serde.confluent.SchemaRegistryClient;
import io.calmon.schemas.testing.RegistryStandIn;
import io.calmon.scorer.ScorerConfig;
import io.calmon.scorer.ScorerService;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code value.format=confluent} end to end on a real broker and an in-process schema registry
 * following Confluent's REST API: an image event written in Confluent's wire format by another
 * producer (its own registry client and Avro's generic writer, not calmon's codecs) is scored, and
 * the prediction calmon writes is Confluent's wire format whose schema id the registry resolves
 * under the topic's {@code -value} subject.
 */
class ConfluentFormatIT {
  private static final Path TINY = Path.of("../clip/src/test/resources/golden/tiny");

  @Test
  void shouldScoreAnEventWrittenByAnotherProducerAndWritePredictionsTheRegistryResolves()
      throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
        RegistryStandIn registry = RegistryStandIn.start();
        ClipModel clip = ClipModel.load(TINY)) {
      CalmonTopics topics = CalmonTopics.withPrefix("cf-");
      try (TopicAdmin admin =
          TopicAdmin.connect(broker.bootstrapServers(), Duration.ofSeconds(30))) {
        admin.createAll(topics, 1, (short) 1);
      }
      KafkaClientConfig kafka =
          KafkaClientConfig.of(
              null, Map.of("value.format", "confluent", "schema.registry.url", registry.url()));
      assertTrue(kafka.valueFormat().isConfluent());
      assertTrue(kafka.properties().isEmpty(), "format keys are not handed to Kafka clients");

      // The class set through calmon's own codec (Confluent format, registered on first use).
      try (KafkaProducer<String, byte[]> producer = producer(broker.bootstrapServers())) {
        ClassSet classes =
            ClassSet.newBuilder()
                .setDeployment("default")
                .setVersion(1)
                .setCreatedAt(Instant.now())
                .setClassNames(List.of("cat", "dog", "bird"))
                .build();
        producer
            .send(
                new ProducerRecord<>(
                    topics.classSets().name(),
                    "default",
                    kafka
                        .valueFormat()
                        .codec(ClassSet.class, topics.classSets().name())
                        .encode(classes)))
            .get();
        // Another producer: its own registry client, Avro's generic writer, Confluent's framing.
        SchemaRegistryClient theirs = SchemaRegistryClient.builder(registry.url()).build();
        Schema schema = ImageEvent.getClassSchema();
        int id = theirs.register(topics.imageEvents().name() + "-value", schema);
        GenericRecord event = new GenericData.Record(schema);
        event.put("event_id", "foreign-1");
        event.put("event_time", Instant.now().toEpochMilli());
        event.put("deployment", "default");
        event.put("image_bytes", ByteBuffer.wrap(png()));
        event.put("content_type", "image/png");
        for (Schema.Field f : schema.getFields()) {
          if (event.get(f.name()) == null && f.hasDefaultValue()) {
            event.put(f.name(), GenericData.get().getDefaultValue(f));
          }
        }
        producer
            .send(
                new ProducerRecord<>(
                    topics.imageEvents().name(), "foreign-1", confluent(id, schema, event)))
            .get();
      }

      ScorerConfig config =
          ScorerConfig.builder()
              .setBootstrapServers(broker.bootstrapServers())
              .optKafka(kafka)
              .optTopics(topics)
              .optInstanceId("cf-1")
              .optBatchSize(4)
              .optMaxWait(Duration.ofMillis(20))
              .build();
      try (ScorerService scorer = new ScorerService(config, clip).start()) {
        byte[] value = firstValue(broker.bootstrapServers(), topics.predictions().name());
        assertEquals(0, value[0], "magic byte of Confluent's wire format");
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        assertTrue(
            registry.idsOf(topics.predictions().name() + "-value").contains(id),
            "the prediction's schema id is registered under the topic's subject");
        Schema writer = SchemaRegistryClient.builder(registry.url()).build().schemaById(id);
        GenericRecord prediction =
            new GenericDatumReader<GenericRecord>(writer)
                .read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
        assertEquals("foreign-1", prediction.get("event_id").toString());
        assertTrue(
            List.of("cat", "dog", "bird").contains(prediction.get("predicted_class").toString()));
        assertEquals(Prediction.getClassSchema().getFullName(), writer.getFullName());
        assertEquals(0, scorer.metrics().deadLetters(), "nothing dead-lettered");
      }
    }
  }

  private static byte[] confluent(int id, Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static byte[] png() throws IOException {
    BufferedImage image = new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 24; y++) {
      for (int x = 0; x < 24; x++) {
        image.setRGB(x, y, (x * 10) << 16 | (y * 10) << 8);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** The first committed value of {@code topic}, waiting up to a minute. */
  private static byte[] firstValue(String bootstrap, String topic) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "cf-reader");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          return r.value();
        }
      }
    }
    throw new AssertionError("no record on " + topic + " within a minute");
  }
}
