package io.calmon.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.broker.testing.TestCertificates;
import io.calmon.cli.Calmon;
import io.calmon.cli.CliKafka;
import io.calmon.kafka.AclAdmin;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.service.testing.BinderMetricNames;
import io.calmon.world.DefaultModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * calmon on a secured cluster: the embedded broker with a SASL_SSL listener (SCRAM-SHA-512 over
 * TLS, a CA made by the test), the StandardAuthorizer and no access without an ACL. Each service
 * runs as an operator runs it, with {@code --kafka-config} naming its own SCRAM user's client
 * properties, and with exactly the ACLs {@code calmon acls --apply} gave that user: the scorer
 * scores, the monitor reports, the trainer commits its transactions. The producer principal's ACLs
 * do not let it write prompt versions, and a wrong password ends start-up with one line and exit
 * code 2. The super user (the plaintext listener) only makes an administrator, who creates the
 * topics, the class set and the services' ACLs with calmon's own commands over SASL_SSL.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SecureClusterIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final Duration WINDOW = Duration.ofSeconds(2);
  private static final Duration STEP = Duration.ofMillis(100);
  private static final int EVENTS = 30;
  private static final String PREFIX = "sec-";
  private static final CalmonTopics TOPICS = CalmonTopics.withPrefix(PREFIX);

  @TempDir static Path dir;

  private static EmbeddedKafkaBroker broker;
  private static String admin; // the plaintext listener: the super user
  private static String secure; // the SASL_SSL listener
  private static TestCertificates certificates;
  private static final List<OperatorCommand> commands = new ArrayList<>();
  private static Instant t0;
  private static WorldFeed feed;

  /** Everything written to stderr while the services ran: their lines and Kafka's logs. */
  private static final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  private static final PrintStream stderr = System.err;

  @BeforeAll
  static void runTheServicesOnASecuredCluster() throws Exception {
    System.setErr(new PrintStream(new Tee(stderr, printed), true, StandardCharsets.UTF_8));
    certificates = TestCertificates.create(dir);
    broker = EmbeddedKafkaBroker.builder().optSaslSsl(certificates.listener()).build().start();
    admin = broker.bootstrapServers();
    secure = broker.secureBootstrapServers();
    // The super user (plaintext listener) makes one administrator; everything else goes through
    // the SASL_SSL listener with that administrator's client properties, as an operator works.
    broker.createScramUser("admin", "admin-pw");
    AclAdmin.create(
        admin,
        KafkaClientConfig.none(),
        PATIENCE,
        List.of(
            allowAll(
                new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL)),
            allowAll(new ResourcePattern(ResourceType.TOPIC, "*", PatternType.LITERAL))));
    String asAdmin = clientFile("admin").toString();
    cli(
        "topics",
        "create",
        "--bootstrap-servers",
        secure,
        "--kafka-config",
        asAdmin,
        "--prefix",
        PREFIX,
        "--partitions",
        "1",
        "--replication-factor",
        "1");
    long now = System.currentTimeMillis() - Duration.ofMinutes(5).toMillis();
    t0 = Instant.ofEpochMilli(now / WINDOW.toMillis() * WINDOW.toMillis());
    for (String service : List.of("scorer", "monitor", "trainer", "producer")) {
      broker.createScramUser(service, service + "-pw");
      cli(
          "acls",
          "--principal",
          "User:" + service,
          "--service",
          service,
          "--prefix",
          PREFIX,
          "--apply",
          "--bootstrap-servers",
          secure,
          "--kafka-config",
          asAdmin);
    }
    feed =
        new WorldFeed(
            secure,
            KafkaClientConfig.load(clientFile("producer")),
            TOPICS,
            31,
            t0,
            STEP,
            Duration.ofMillis(300),
            0.8);
    cli(
        "classes",
        "set",
        "--bootstrap-servers",
        secure,
        "--kafka-config",
        asAdmin,
        "--prefix",
        PREFIX,
        String.join(",", feed.classNames()));

    String model = DefaultModel.path().toString();
    cli("keys", "generate", "--out", dir.resolve("keys").toString(), "--key-id", "trainer");
    commands.add(
        OperatorCommand.start(
            "monitor",
            List.of(
                "--bootstrap-servers",
                secure,
                "--kafka-config",
                clientFile("monitor").toString(),
                "--prefix",
                PREFIX,
                "--config",
                Files.writeString(
                        dir.resolve("monitor-settings.properties"),
                        "window-size=2s\nwindow-advance=2s\nlabel-delay=1s\ngrace=500ms\n"
                            + "bins=10\nalert-groups=none\nstate-dir="
                            + dir.resolve("state")
                            + "\n")
                    .toString())));
    commands.add(
        OperatorCommand.start(
            "scorer",
            List.of(
                "--bootstrap-servers",
                secure,
                "--kafka-config",
                clientFile("scorer").toString(),
                "--prefix",
                PREFIX,
                "--model",
                model,
                "--instance-id",
                "sec-1",
                "--trusted-keys",
                dir.resolve("keys").toString())));
    commands.add(
        OperatorCommand.start(
            "trainer",
            List.of(
                "--bootstrap-servers",
                secure,
                "--kafka-config",
                clientFile("trainer").toString(),
                "--prefix",
                PREFIX,
                "--model",
                model,
                "--shots",
                "10000",
                "--min-shots",
                "10000",
                "--signing-key",
                dir.resolve("keys/trainer.key").toString())));
    for (OperatorCommand c : commands) {
      c.awaitRunning(PATIENCE);
    }
    feed.send(0, EVENTS);
    feed.closeWindows(1, WINDOW.multipliedBy(4));
  }

  @AfterAll
  static void stop() throws Exception {
    System.setErr(stderr);
    // The services first, then what they use: the feed's producer and the broker.
    List<AutoCloseable> open = new ArrayList<>(commands);
    Collections.reverse(open);
    open.add(feed);
    open.add(broker);
    for (AutoCloseable c : open) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void shouldScoreEveryEventWithTheScorersAclsOnly() {
    FinalReports.assertOnePredictionPerEvent(
        admin, TOPICS.predictions().name(), feed.events(), PATIENCE);
  }

  @Test
  void shouldCountEveryLabelInTheMonitorsFinalReportsWithItsAclsOnly() {
    Instant end = t0.plus(STEP.multipliedBy(EVENTS));
    Instant lastWindow = Instant.ofEpochMilli((end.toEpochMilli() - 1) / 2000 * 2000);
    assertEquals(
        FinalReports.perWindow(feed.labelledTimes(0, EVENTS), 2000),
        FinalReports.labelledPerWindow(
            admin, TOPICS.calibrationReports().name(), lastWindow, end, PATIENCE),
        "labelled events per window in the final reports");
  }

  @Test
  void shouldCommitTheTrainersTransactionsWithItsAclsOnly() throws Exception {
    TopicPartition labels = new TopicPartition(TOPICS.labels().name(), 0);
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    try (Admin a = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, admin))) {
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            a.listConsumerGroupOffsets("calmon-trainer-default")
                .partitionsToOffsetAndMetadata()
                .get();
        if (committed.get(labels) != null && committed.get(labels).offset() > 0) {
          break;
        }
        assertTrue(System.nanoTime() < deadline, "trainer committed no offsets: " + committed);
        Thread.sleep(200);
      }
    }
    for (OperatorCommand c : commands) {
      assertTrue(c.isRunning(), "calmon " + c.name() + " runs (exit code " + c.exitCode() + ")");
    }
  }

  @Test
  void shouldNotLetTheProducerPrincipalWritePromptVersions() throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        CliKafka.producer(secure, KafkaClientConfig.load(clientFile("producer")))) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  producer
                      .send(
                          new ProducerRecord<>(
                              TOPICS.promptVersions().name(), "default", new byte[] {1}))
                      .get(30, TimeUnit.SECONDS));
      assertInstanceOf(TopicAuthorizationException.class, e.getCause());
    }
  }

  @Test
  void shouldEndTheScorersStartUpWithOneLineAndExitCode2OnAWrongPassword() throws Exception {
    Path wrong = certificates.scramClientFile(dir.resolve("wrong.properties"), "scorer", "nope");

    String line =
        refusedStartUp(
            "scorer",
            "--bootstrap-servers",
            secure,
            "--kafka-config",
            wrong.toString(),
            "--prefix",
            PREFIX,
            "--model",
            DefaultModel.path().toString(),
            "--allow-unsigned-prompts");

    assertTrue(
        line.startsWith("calmon: kafka-config " + wrong + ": Kafka at " + secure + " refused"),
        line);
  }

  @Test
  void shouldEndTheMonitorsStartUpWithOneLineAndExitCode2OnAWrongPassword() throws Exception {
    Path wrong = certificates.scramClientFile(dir.resolve("wrong-m.properties"), "monitor", "nope");

    String line =
        refusedStartUp(
            "monitor",
            "--bootstrap-servers",
            secure,
            "--kafka-config",
            wrong.toString(),
            "--prefix",
            PREFIX,
            "--state-dir",
            dir.resolve("wrong-state").toString());

    assertTrue(
        line.startsWith("calmon: kafka-config " + wrong + ": Kafka at " + secure + " refused"),
        line);
  }

  /**
   * Runs a command through the CLI's entry point and returns what it printed, after checking that
   * it is one line that says why, without a class name or the password, and exit code 2.
   */
  private static String refusedStartUp(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = Calmon.commandLine();
    cli.setErr(new PrintWriter(err, true));

    int code = cli.execute(args);

    String text = err.toString();
    assertEquals(2, code, text);
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.contains("invalid credentials"), text);
    assertFalse(text.contains("Exception") || text.contains("org.apache"), text);
    assertFalse(text.contains("nope"), text);
    return text.strip();
  }

  @Test
  void shouldPrintNoSecretInLogsOrMetrics() {
    StringBuilder shown = new StringBuilder();
    synchronized (printed) {
      shown.append(printed.toString(StandardCharsets.UTF_8));
    }
    for (OperatorCommand c : commands) {
      String metrics = c.metrics();
      // The Kafka clients' metrics are there too, tagged with their client ids: no tag may hold a
      // secret of the client configuration either.
      assertTrue(
          metrics.contains(BinderMetricNames.KAFKA_CONSUMER_RECORDS_LAG_MAX + "{client_id=\""),
          c.name() + " serves its Kafka clients' metrics:\n" + metrics);
      shown.append(metrics);
    }
    String text = shown.toString();
    assertTrue(text.contains("sasl.jaas.config=" + KafkaClientConfig.REDACTED), "printed at all");
    for (String secret :
        List.of(
            "admin-pw",
            "scorer-pw",
            "monitor-pw",
            "trainer-pw",
            "producer-pw",
            certificates.password())) {
      assertFalse(text.contains(secret), secret + " was printed");
    }
  }

  /** Writes to the real stderr and keeps a copy. */
  private static final class Tee extends OutputStream {
    private final OutputStream out;
    private final ByteArrayOutputStream copy;

    Tee(OutputStream out, ByteArrayOutputStream copy) {
      this.out = out;
      this.copy = copy;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      synchronized (copy) {
        copy.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      synchronized (copy) {
        copy.write(b, off, len);
      }
    }
  }

  private static AclBinding allowAll(ResourcePattern resource) {
    return new AclBinding(
        resource,
        new AccessControlEntry("User:admin", "*", AclOperation.ALL, AclPermissionType.ALLOW));
  }

  /** The client properties file of SCRAM user {@code user} (password {@code <user>-pw}). */
  private static Path clientFile(String user) throws Exception {
    return certificates.scramClientFile(dir.resolve(user + ".properties"), user, user + "-pw");
  }

  private static void cli(String... args) {
    assertEquals(0, Calmon.run(args), "calmon " + String.join(" ", args));
  }
}
