package io.calmon.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientConfigTest {

  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"scorer\""
          + " password=\"s3cr3t-pw\";";

  @Test
  void shouldApplyEveryPropertyOfTheFileToAClientConfig(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("client.properties"),
            "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nlinger.ms = 7\n");
    Map<String, Object> client = new HashMap<>(Map.of("bootstrap.servers", "b:9093"));

    KafkaClientConfig.load(file).applyTo(client);

    assertEquals(
        Map.of(
            "bootstrap.servers", "b:9093",
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "linger.ms", "7"),
        client);
  }

  @Test
  void shouldRefuseAKeyCalmonOwnsNamingTheKeyAndTheFile(@TempDir Path dir) throws Exception {
    for (String key :
        new String[] {
          "transactional.id",
          "isolation.level",
          "enable.idempotence",
          "value.deserializer",
          "processing.guarantee",
          "group.id",
          "application.id",
          "producer.transactional.id",
          "main.consumer.isolation.level"
        }) {
      Path file = Files.writeString(dir.resolve("c.properties"), key + "=x\n");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> KafkaClientConfig.load(file));
      assertTrue(e.getMessage().startsWith(file + ": " + key + " "), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  @Test
  void shouldNameTheFileWhenItIsMissing(@TempDir Path dir) {
    Path missing = dir.resolve("nope.properties");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KafkaClientConfig.load(missing));
    assertEquals(missing + ": no such file", e.getMessage());
  }

  @Test
  void shouldRedactEverySecretValueWhenPrinted() {
    KafkaClientConfig config =
        KafkaClientConfig.of(
            null,
            Map.of(
                "sasl.jaas.config", JAAS,
                "ssl.key.password", "k3y-pw",
                "ssl.truststore.password", "tr-pw",
                "sasl.oauthbearer.client.credentials.client.secret", "oauth-secret",
                "sasl.oauthbearer.token.endpoint.url", "https://idp/token",
                "security.protocol", "SASL_SSL"));

    String shown = config.toString() + config.redacted();

    for (String secret : new String[] {"s3cr3t-pw", "k3y-pw", "tr-pw", "oauth-secret", "idp"}) {
      assertFalse(shown.contains(secret), secret + " shown in " + shown);
    }
    assertTrue(shown.contains("security.protocol=SASL_SSL"), shown);
    assertEquals(KafkaClientConfig.REDACTED, config.redacted().get("sasl.jaas.config"));
  }

  @Test
  void shouldScrubSecretsOutOfAMessageThatQuotesThem() {
    KafkaClientConfig config =
        KafkaClientConfig.of(null, Map.of("sasl.jaas.config", JAAS, "ssl.key.password", "k3y-pw"));

    String scrubbed =
        config.scrub("Invalid value " + JAAS + " and k3y-pw; other: password=\"x y\" token=abc");

    assertFalse(scrubbed.contains("s3cr3t-pw"), scrubbed);
    assertFalse(scrubbed.contains("k3y-pw"), scrubbed);
    assertFalse(scrubbed.contains("x y"), scrubbed);
    assertFalse(scrubbed.contains("abc"), scrubbed);
    assertTrue(scrubbed.startsWith("Invalid value "), scrubbed);
  }

  @Test
  void shouldKnowAMessageAboutItsOwnProperties() {
    KafkaClientConfig config = KafkaClientConfig.of(null, Map.of("security.protocol", "NOPE"));

    assertTrue(config.isNamedIn("Invalid value NOPE for configuration security.protocol: ..."));
    assertTrue(config.isNamedIn("Value not specified for key 'x' in JAAS config"));
    assertFalse(config.isNamedIn("Invalid url in bootstrap.servers: foo"));
    assertFalse(KafkaClientConfig.none().isNamedIn("security.protocol"));
  }

  @Test
  void shouldMarkKeysWithSecretNamesAsSecret() {
    assertTrue(KafkaClientConfig.isSecret("ssl.key.password"));
    assertTrue(KafkaClientConfig.isSecret("sasl.jaas.config"));
    assertTrue(KafkaClientConfig.isSecret("SASL.LOGIN.TOKEN"));
    assertFalse(KafkaClientConfig.isSecret("security.protocol"));
    assertFalse(KafkaClientConfig.isSecret("ssl.endpoint.identification.algorithm"));
  }

  @Test
  void shouldReadTheValueFormatAndKeepItsKeysFromKafkaClients() {
    KafkaClientConfig plain = KafkaClientConfig.of(null, Map.of("security.protocol", "SSL"));
    assertFalse(plain.valueFormat().isConfluent(), "single-object encoding by default");

    KafkaClientConfig confluent =
        KafkaClientConfig.of(
            null,
            Map.of(
                "security.protocol", "SSL",
                "value.format", "confluent",
                "schema.registry.url", "http://registry-1:8081,http://registry-2:8081",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "calmon:s3cret"));
    assertTrue(confluent.valueFormat().isConfluent());
    assertEquals(
        List.of("http://registry-1:8081", "http://registry-2:8081"),
        confluent.valueFormat().registryUrls());
    assertEquals(
        Map.of("security.protocol", "SSL"),
        confluent.applyTo(new java.util.HashMap<String, String>()),
        "only Kafka's keys reach a Kafka client");
    assertFalse(confluent.toString().contains("s3cret"), confluent.toString());
  }

  @Test
  void shouldRefuseABadValueFormatNamingTheKey() {
    Map<Map<String, String>, String> bad =
        Map.of(
            Map.of("value.format", "protobuf"), "value.format must be single-object or confluent",
            Map.of("value.format", "confluent"), "value.format=confluent needs schema.registry.url",
            Map.of("value.format", "confluent", "schema.registry.url", "ftp://r:1"),
                "schema.registry.url",
            Map.of("schema.registry.url", "http://r:8081"),
                "schema.registry.url is set but value.format is not confluent",
            Map.of(
                    "value.format", "confluent",
                    "schema.registry.url", "http://r:8081",
                    "basic.auth.credentials.source", "URL"),
                "basic.auth.credentials.source must be USER_INFO");
    bad.forEach(
        (properties, message) -> {
          IllegalArgumentException e =
              assertThrows(
                  IllegalArgumentException.class,
                  () -> KafkaClientConfig.of(Path.of("client.properties"), properties));
          assertTrue(
              e.getMessage().startsWith("client.properties: ") && e.getMessage().contains(message),
              e.getMessage());
        });
  }
}
