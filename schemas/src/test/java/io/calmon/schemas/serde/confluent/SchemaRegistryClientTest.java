package io.calmon.schemas.serde.confluent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.schemas.ClassSet;
import io.calmon.schemas.Label;
import io.calmon.schemas.serde.confluent.SchemaRegistryException.Kind;
import io.calmon.schemas.testing.RegistryStandIn;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaRegistryClientTest {

  private static final Schema LABEL = Label.getClassSchema();
  private static final Schema CLASS_SET = ClassSet.getClassSchema();

  private RegistryStandIn registry;

  @BeforeEach
  void startRegistry() throws IOException {
    registry = RegistryStandIn.start();
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @Test
  void shouldGetTheSameIdForAnIdenticalSchemaAndANewIdForANewOne() {
    // Two clients, so that the second one's answers come from the registry, not a cache.
    assertEquals(1, client().register("labels-value", LABEL));
    assertEquals(1, client().register("labels-value", new Schema.Parser().parse(LABEL.toString())));
    assertEquals(2, client().register("class-sets-value", CLASS_SET));
    assertEquals(3, registry.registrations());
    assertEquals(List.of(1), registry.idsOf("labels-value"));
    assertEquals(List.of(2), registry.idsOf("class-sets-value"));
  }

  @Test
  void shouldRegisterEachSubjectAndSchemaOnce() {
    SchemaRegistryClient client = client();
    for (int i = 0; i < 5; i++) {
      assertEquals(1, client.register("labels-value", LABEL));
    }
    assertEquals(1, registry.registrations());
    // The same schema under another subject is another registration, with the same global id.
    assertEquals(1, client.register("labels-copy-value", LABEL));
    assertEquals(2, registry.registrations());
  }

  @Test
  void shouldFetchEachIdOnce() {
    int id = client().register("class-sets-value", CLASS_SET);
    SchemaRegistryClient reader = client();
    for (int i = 0; i < 5; i++) {
      assertEquals(CLASS_SET, reader.schemaById(id));
    }
    assertEquals(1, registry.fetches());
  }

  @Test
  void shouldKnowTheIdOfASchemaItRegisteredWithoutAsking() {
    SchemaRegistryClient client = client();
    int id = client.register("labels-value", LABEL);
    assertEquals(LABEL, client.schemaById(id));
    assertEquals(0, registry.fetches());
  }

  @Test
  void shouldAskOnceWhenManyThreadsAskAtOnce() throws Exception {
    SchemaRegistryClient writer = client();
    SchemaRegistryClient reader = client();
    int id = client().register("labels-value", LABEL);
    int before = registry.registrations();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> ids = new ArrayList<>();
    List<Future<Schema>> schemas = new ArrayList<>();
    try {
      for (int i = 0; i < 16; i++) {
        ids.add(
            pool.submit(
                () -> {
                  go.await();
                  return writer.register("labels-value", LABEL);
                }));
        schemas.add(
            pool.submit(
                () -> {
                  go.await();
                  return reader.schemaById(id);
                }));
      }
      go.countDown();
      for (int i = 0; i < 16; i++) {
        assertEquals(id, ids.get(i).get(30, TimeUnit.SECONDS));
        assertEquals(LABEL, schemas.get(i).get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(before + 1, registry.registrations());
    assertEquals(1, registry.fetches());
  }

  @Test
  void shouldSendBasicAuth() {
    registry.requireBasicAuth("alice", "s3cret:with-colon");
    SchemaRegistryClient client =
        SchemaRegistryClient.builder(registry.url()).basicAuth("alice:s3cret:with-colon").build();
    int id = client.register("labels-value", LABEL);
    SchemaRegistryClient reader =
        SchemaRegistryClient.builder(registry.url()).basicAuth("alice:s3cret:with-colon").build();
    assertEquals(LABEL, reader.schemaById(id));
  }

  @Test
  void shouldReportRefusedCredentialsWithoutThePassword() {
    registry.requireBasicAuth("alice", "s3cret");
    SchemaRegistryClient client =
        SchemaRegistryClient.builder(registry.url()).basicAuth("alice:wrong-pass").build();

    SchemaRegistryException register =
        assertThrows(SchemaRegistryException.class, () -> client.register("labels-value", LABEL));
    SchemaRegistryException fetch =
        assertThrows(SchemaRegistryException.class, () -> client.schemaById(1));

    for (SchemaRegistryException e : List.of(register, fetch)) {
      assertEquals(Kind.NOT_AUTHENTICATED, e.kind());
      assertFalse(e.retriable());
      assertTrue(e.getMessage().contains(registry.url()), e.getMessage());
      assertTrue(e.getMessage().contains("user alice"), e.getMessage());
      assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
      assertReadable(e.getMessage(), "wrong-pass", base64("alice:wrong-pass"));
    }
    assertEquals(
        "the schema registry at "
            + registry.url()
            + " did not accept the credentials of user alice (HTTP 401) for registering a schema"
            + " for subject labels-value; check the user and password",
        register.getMessage());
    assertReadable(client.toString(), "wrong-pass", base64("alice:wrong-pass"));
    assertTrue(client.toString().contains("alice"), client.toString());
  }

  @Test
  void shouldSayWhenCredentialsAreMissing() {
    registry.requireBasicAuth("alice", "s3cret");
    SchemaRegistryException e =
        assertThrows(SchemaRegistryException.class, () -> client().schemaById(1));
    assertEquals(Kind.NOT_AUTHENTICATED, e.kind());
    assertEquals(
        "the schema registry at "
            + registry.url()
            + " requires credentials (HTTP 401) for fetching schema id 1; configure basic auth as"
            + " user:password",
        e.getMessage());
  }

  @Test
  void shouldReportAForbiddenRegistration() {
    registry.forbidRegistration();
    SchemaRegistryClient client =
        SchemaRegistryClient.builder(registry.url()).basicAuth("reader:pw-123").build();
    SchemaRegistryException e =
        assertThrows(SchemaRegistryException.class, () -> client.register("labels-value", LABEL));
    assertEquals(Kind.NOT_AUTHORIZED, e.kind());
    assertEquals(
        "the schema registry at "
            + registry.url()
            + " denied user reader (HTTP 403) when registering a schema for subject labels-value:"
            + " User is denied operation Write on Subject: labels-value",
        e.getMessage());
    assertReadable(e.getMessage(), "pw-123");
  }

  @Test
  void shouldReportAnIncompatibleSchemaInWords() {
    String reason =
        "Schema being registered is incompatible with an earlier schema for subject"
            + " \"labels-value\"";
    registry.refuse("labels-value", 409, 409, reason);
    SchemaRegistryClient client =
        SchemaRegistryClient.builder(registry.url()).basicAuth("alice:s3cret").build();

    SchemaRegistryException e =
        assertThrows(SchemaRegistryException.class, () -> client.register("labels-value", LABEL));

    assertEquals(Kind.INCOMPATIBLE_SCHEMA, e.kind());
    assertFalse(e.retriable());
    assertEquals(
        "schema registry refused the schema for subject labels-value as incompatible: " + reason,
        e.getMessage());
    assertReadable(e.getMessage(), "s3cret", base64("alice:s3cret"));
    // A refusal is not cached: the next attempt asks again.
    assertThrows(SchemaRegistryException.class, () -> client.register("labels-value", LABEL));
    assertEquals(2, registry.registrations());
  }

  @Test
  void shouldReportAnInvalidSchemaInWords() {
    registry.refuse("labels-value", 422, 42201, "Invalid schema");
    SchemaRegistryException e =
        assertThrows(SchemaRegistryException.class, () -> client().register("labels-value", LABEL));
    assertEquals(Kind.INVALID_SCHEMA, e.kind());
    assertEquals(
        "schema registry refused the schema for subject labels-value as invalid: Invalid schema",
        e.getMessage());
  }

  @Test
  void shouldReportAnUnknownId() {
    SchemaRegistryClient client = client();
    SchemaRegistryException e =
        assertThrows(SchemaRegistryException.class, () -> client.schemaById(42));
    assertEquals(Kind.UNKNOWN_SCHEMA_ID, e.kind());
    assertEquals(
        "unknown schema id 42: the schema registry at " + registry.url() + " has none",
        e.getMessage());
    assertThrows(SchemaRegistryException.class, () -> client.schemaById(42));
    assertEquals(2, registry.fetches(), "a missing id is not cached");
  }

  @Test
  void shouldNotMistakeAWrongUrlForAnUnknownId() {
    // A 404 without the registry's "schema not found" code says the URL is wrong, not the id.
    SchemaRegistryClient client =
        SchemaRegistryClient.builder(registry.url() + "/not-the-api").build();
    SchemaRegistryException e =
        assertThrows(SchemaRegistryException.class, () -> client.schemaById(1));
    assertEquals(Kind.UNEXPECTED_RESPONSE, e.kind());
    assertEquals(
        "the schema registry at "
            + registry.url()
            + "/not-the-api answered HTTP 404 to fetching schema id 1: HTTP 404 Not Found; check"
            + " that the URL points at a schema registry",
        e.getMessage());
  }

  @Test
  void shouldRefuseASchemaOfAnotherType() {
    int id = registry.addForeignSchema("PROTOBUF", "syntax = \"proto3\"; message Label {}");
    SchemaRegistryException e =
        assertThrows(SchemaRegistryException.class, () -> client().schemaById(id));
    assertEquals(Kind.NOT_AVRO, e.kind());
    assertEquals(
        "schema id "
            + id
            + " in the schema registry at "
            + registry.url()
            + " is a PROTOBUF"
            + " schema, not Avro",
        e.getMessage());
  }

  @Test
  void shouldReportAnUnreachableRegistry() throws IOException {
    String dead = deadUrl();
    SchemaRegistryClient client =
        SchemaRegistryClient.builder(dead).basicAuth("a:pw-9").retryFor(Duration.ZERO).build();

    SchemaRegistryException e =
        assertThrows(SchemaRegistryException.class, () -> client.register("labels-value", LABEL));

    assertEquals(Kind.UNREACHABLE, e.kind());
    assertTrue(e.retriable());
    assertEquals(
        "cannot reach the schema registry at "
            + dead
            + " (connection refused) while registering a schema for subject labels-value",
        e.getMessage());
    assertReadable(e.getMessage(), "pw-9");
  }

  @Test
  void shouldTryTheUrlsInOrder() throws IOException {
    SchemaRegistryClient client =
        SchemaRegistryClient.builder(deadUrl() + ", " + registry.url()).build();
    assertEquals(1, client.register("labels-value", LABEL));
    assertEquals(1, registry.registrations());
  }

  @Test
  void shouldMoveOnFromAFailingRegistryAndReportWhenAllFail() throws IOException {
    try (RegistryStandIn second = RegistryStandIn.start()) {
      registry.failWith(503);
      SchemaRegistryClient client =
          SchemaRegistryClient.builder(registry.url() + "," + second.url())
              .retryFor(Duration.ZERO)
              .build();
      assertEquals(1, client.register("labels-value", LABEL));
      assertEquals(1, registry.registrations());
      assertEquals(1, second.registrations());

      second.failWith(500);
      SchemaRegistryException e =
          assertThrows(
              SchemaRegistryException.class, () -> client.register("class-sets-value", CLASS_SET));
      assertEquals(Kind.SERVER_ERROR, e.kind());
      assertTrue(e.retriable());
      assertEquals(
          "the schema registry failed while registering a schema for subject class-sets-value: "
              + registry.url()
              + " (HTTP 503: Error in the backend data store), "
              + second.url()
              + " (HTTP 500: Error in the backend data store)",
          e.getMessage());
    }
  }

  @Test
  void shouldWaitForARegistryThatComesBackWithinTheRetryTime() throws Exception {
    registry.failWith(503); // restarting
    SchemaRegistryClient client =
        SchemaRegistryClient.builder(registry.url()).retryFor(Duration.ofSeconds(20)).build();
    Thread recovery =
        new Thread(
            () -> {
              try {
                Thread.sleep(500);
              } catch (InterruptedException e) {
                return;
              }
              registry.failWith(0);
            });
    recovery.start();

    assertEquals(1, client.register("labels-value", LABEL), "registered once it was back");

    recovery.join();
    assertTrue(registry.registrations() > 1, "asked again after the failures");
  }

  @Test
  void shouldNotRetryARefusal() {
    registry.forbidRegistration();
    SchemaRegistryClient client =
        SchemaRegistryClient.builder(registry.url()).retryFor(Duration.ofSeconds(20)).build();
    long start = System.nanoTime();

    SchemaRegistryException e =
        assertThrows(SchemaRegistryException.class, () -> client.register("labels-value", LABEL));

    assertEquals(Kind.NOT_AUTHORIZED, e.kind());
    assertTrue(
        System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "a refusal is final at once");
  }

  @Test
  void shouldGiveUpAfterTheRequestTimeout() {
    registry.delay(Duration.ofSeconds(3));
    SchemaRegistryClient client =
        SchemaRegistryClient.builder(registry.url())
            .requestTimeout(Duration.ofMillis(200))
            .retryFor(Duration.ZERO)
            .build();
    long start = System.nanoTime();
    SchemaRegistryException e =
        assertThrows(SchemaRegistryException.class, () -> client.schemaById(1));
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "waited too long");
    assertEquals(Kind.UNREACHABLE, e.kind());
    assertEquals(
        "cannot reach the schema registry at "
            + registry.url()
            + " (no answer within 200 ms) while fetching schema id 1",
        e.getMessage());
  }

  @Test
  void shouldSpeakTlsWithTheGivenContext(@TempDir Path dir) throws Exception {
    TestTls tls = TestTls.create(dir);
    try (RegistryStandIn secure = RegistryStandIn.startTls(tls.server())) {
      assertTrue(secure.url().startsWith("https://"));
      SchemaRegistryClient trusting =
          SchemaRegistryClient.builder(secure.url()).sslContext(tls.client()).build();
      assertEquals(1, trusting.register("labels-value", LABEL));
      SchemaRegistryClient reader =
          SchemaRegistryClient.builder(secure.url()).sslContext(tls.client()).build();
      assertEquals(LABEL, reader.schemaById(1));
      assertEquals(1, secure.fetches());

      SchemaRegistryClient untrusting = SchemaRegistryClient.builder(secure.url()).build();
      SchemaRegistryException e =
          assertThrows(SchemaRegistryException.class, () -> untrusting.schemaById(1));
      assertEquals(Kind.TLS_REFUSED, e.kind(), "a certificate problem is not tried again");
      assertTrue(e.getMessage().contains("TLS handshake failed"), e.getMessage());
      assertTrue(e.getMessage().contains(secure.url()), e.getMessage());
      assertReadable(e.getMessage());
    }
  }

  @Test
  void shouldRefuseMalformedConfigurationWithoutEchoingSecrets() {
    for (String urls : List.of("", " , ", "ftp://registry:8081", "registry:8081", "http://")) {
      assertThrows(IllegalArgumentException.class, () -> SchemaRegistryClient.builder(urls), urls);
    }
    IllegalArgumentException inUrl =
        assertThrows(
            IllegalArgumentException.class,
            () -> SchemaRegistryClient.builder("http://bob:hunter2@registry:8081"));
    assertReadable(inUrl.getMessage(), "hunter2");
    SchemaRegistryClient.Builder builder = SchemaRegistryClient.builder("http://registry:8081");
    IllegalArgumentException noColon =
        assertThrows(IllegalArgumentException.class, () -> builder.basicAuth("hunter2"));
    assertReadable(noColon.getMessage(), "hunter2");
    assertThrows(IllegalArgumentException.class, () -> builder.basicAuth(":hunter2"));
    assertThrows(IllegalArgumentException.class, () -> builder.requestTimeout(Duration.ZERO));
  }

  @Test
  void shouldNormaliseTheUrls() {
    SchemaRegistryClient client =
        SchemaRegistryClient.builder(" http://a:8081/ , HTTPS://b.example:443/registry/ ")
            .basicAuth("alice:hunter2")
            .build();
    assertEquals(List.of("http://a:8081", "https://b.example:443/registry"), client.urls());
    assertEquals(
        "SchemaRegistryClient[urls=http://a:8081,https://b.example:443/registry, user=alice,"
            + " timeout=10 s]",
        client.toString());
  }

  private SchemaRegistryClient client() {
    return SchemaRegistryClient.builder(registry.url()).build();
  }

  /** A URL on which nothing listens. */
  static String deadUrl() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A message a user can read: no exception or class names, none of the secrets. */
  static void assertReadable(String message, String... secrets) {
    assertFalse(message.contains("Exception"), message);
    assertFalse(message.matches("(?s).*\\b(java|javax|sun|jdk|org|com|io)\\.[a-z]+\\..*"), message);
    for (String secret : secrets) {
      assertFalse(message.contains(secret), message);
    }
  }
}
