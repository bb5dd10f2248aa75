package io.calmon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real KRaft broker in this JVM: start, round trips, transactions, restart on the same dir. */
class EmbeddedKafkaBrokerIT {

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder().build().start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldAdvertiseLoopbackBootstrapServers() {
    assertTrue(
        broker.bootstrapServers().matches("127\\.0\\.0\\.1:\\d+"), broker.bootstrapServers());
  }

  @Test
  void shouldConsumeWhatWasProduced() throws Exception {
    RoundTrip.assertPlainRoundTrip(broker.bootstrapServers(), "round-trip");
  }

  @Test
  void shouldShowOnlyCommittedTransactionsToReadCommittedConsumers() throws Exception {
    RoundTrip.assertTransactionalRoundTrip(broker.bootstrapServers(), "transactions");
  }

  @Test
  void shouldRunAKafkaStreamsAppWithExactlyOnceV2(@TempDir Path stateDir) throws Exception {
    String bootstrap = broker.bootstrapServers();
    RoundTrip.createTopic(bootstrap, "streams-in");
    RoundTrip.createTopic(bootstrap, "streams-out");
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("streams-in", Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(v -> v.toUpperCase(Locale.ROOT))
        .to("streams-out", Produced.with(Serdes.String(), Serdes.String()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "calmon-eos-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

    try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
      streams.start();
      RoundTrip.produce(bootstrap, "streams-in", List.of("base", "new"));
      assertEquals(List.of("BASE", "NEW"), RoundTrip.consume(bootstrap, "streams-out", 2, true));
    }
  }

  @Test
  void shouldKeepTopicsAndRecordsWhenRestartedOnTheSameDataDir(@TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("kafka");
    try (EmbeddedKafkaBroker first =
        EmbeddedKafkaBroker.builder().optDataDir(dataDir).build().start()) {
      RoundTrip.createTopic(first.bootstrapServers(), "durable");
      RoundTrip.produce(first.bootstrapServers(), "durable", List.of("before-restart"));
    }
    assertTrue(Files.isRegularFile(dataDir.resolve("meta.properties")), "data dir kept on close");
    try (EmbeddedKafkaBroker second =
        EmbeddedKafkaBroker.builder().optDataDir(dataDir).build().start()) {
      assertEquals(
          List.of("before-restart"),
          RoundTrip.consume(second.bootstrapServers(), "durable", 1, false));
    }
  }

  @Test
  void shouldDeleteItsTemporaryDataDirOnClose() {
    EmbeddedKafkaBroker temporary = EmbeddedKafkaBroker.builder().build().start();
    Path dataDir = temporary.dataDir();
    assertTrue(Files.isDirectory(dataDir));
    temporary.close();
    assertFalse(Files.exists(dataDir));
    assertThrows(IllegalStateException.class, temporary::bootstrapServers);
  }

  @Test
  void shouldNameTheGivenPortWhenItIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      EmbeddedKafkaBroker clash =
          EmbeddedKafkaBroker.builder().optPort(taken.getLocalPort()).build();
      IllegalStateException e = assertThrows(IllegalStateException.class, clash::start);
      assertTrue(e.getMessage().contains("port " + taken.getLocalPort()), e.getMessage());
    }
  }

  @Test
  void shouldRefuseADataDirThatIsNotKafkas(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("notes.txt"), "not a broker");
    EmbeddedKafkaBroker wrong = EmbeddedKafkaBroker.builder().optDataDir(dir).build();
    IllegalStateException e = assertThrows(IllegalStateException.class, wrong::start);
    assertTrue(e.getMessage().contains("neither empty nor a Kafka data dir"), e.getMessage());
  }
}
