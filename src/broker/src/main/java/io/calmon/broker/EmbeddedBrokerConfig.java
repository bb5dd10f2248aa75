package io.calmon.broker;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The server properties of the embedded single-node KRaft broker. Every value here exists because a
 * Kafka default assumes a cluster of three or more machines, or would slow a laptop down; the
 * reasons are in docs/KAFKA.md.
 */
final class EmbeddedBrokerConfig {

  /** The node id of the single combined broker + controller. */
  static final int NODE_ID = 1;

  static final String HOST = "127.0.0.1";
  static final String BROKER_LISTENER = "PLAINTEXT";
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final String SECURE_LISTENER = "SASL_SSL";

  /**
   * Keys that define the node's identity, its listeners and its storage. Extra properties may not
   * override them, because the embedded broker's formatting and readiness checks depend on them.
   */
  static final Set<String> RESERVED =
      Set.of(
          "process.roles",
          "node.id",
          "listeners",
          "advertised.listeners",
          "listener.security.protocol.map",
          "controller.listener.names",
          "inter.broker.listener.name",
          "controller.quorum.voters",
          "controller.quorum.bootstrap.servers",
          "log.dirs",
          "log.dir",
          "metadata.log.dir");

  private EmbeddedBrokerConfig() {}

  /**
   * The broker's properties: the single-node settings below, then {@code extra} on top.
   *
   * @param dataDir holds both the partition logs and the KRaft metadata log
   * @param brokerPort the PLAINTEXT port clients connect to
   * @param controllerPort the CONTROLLER port; only the node itself talks to it
   * @param secure a SASL_SSL listener on {@code securePort}, or null for none
   */
  static Properties serverProperties(
      Path dataDir,
      int brokerPort,
      int controllerPort,
      SaslSslListener secure,
      int securePort,
      Map<String, String> extra) {
    Map<String, String> p = new LinkedHashMap<>();
    // Identity: one node that is both broker and controller (KRaft combined mode), with a static
    // voter set, so a restart on another controller port still finds its quorum (kraft.version 0).
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);

    // Listeners on the loopback interface only: the embedded broker is never reachable from the
    // network.
    p.put(
        "listeners",
        BROKER_LISTENER
            + "://"
            + HOST
            + ":"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + HOST
            + ":"
            + controllerPort);
    p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
    p.put(
        "listener.security.protocol.map",
        BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", BROKER_LISTENER);
    p.put("log.dirs", dataDir.toAbsolutePath().toString());
    if (secure != null) {
      addSecureListener(p, secure, securePort);
    }

    // One node: every internal topic has one replica and one in-sync replica is enough. Kafka's
    // defaults (3) would make consumer groups, transactions and share groups fail here.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    // Fewer internal partitions than the default 50: they are created on the first group join or
    // transaction, and a laptop gains nothing from 50 of them.
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.num.partitions", "5");
    // A consumer group (or Streams app) starts consuming at once instead of after 3 s.
    p.put("group.initial.rebalance.delay.ms", "0");
    // Topics come from TopicAdmin with the right cleanup policy; a typo must not create a topic.
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    // The log cleaner (needed for compacted topics) allocates this buffer up front; 128 MiB by
    // default is a lot for a laptop broker.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));

    p.putAll(extra);
    Properties properties = new Properties();
    properties.putAll(p);
    return properties;
  }

  /**
   * A SASL_SSL listener (SCRAM-SHA-512 over TLS) beside the plaintext one, and authorization: the
   * StandardAuthorizer, nothing allowed without an ACL, and the plaintext listener's anonymous
   * principal (the node's own traffic, and whoever holds the loopback port) as the super user.
   */
  private static void addSecureListener(Map<String, String> p, SaslSslListener secure, int port) {
    String endpoint = SECURE_LISTENER + "://" + HOST + ":" + port;
    p.put("listeners", p.get("listeners") + "," + endpoint);
    p.put("advertised.listeners", p.get("advertised.listeners") + "," + endpoint);
    p.put(
        "listener.security.protocol.map",
        p.get("listener.security.protocol.map") + "," + SECURE_LISTENER + ":SASL_SSL");
    String listener = "listener.name." + SECURE_LISTENER.toLowerCase(Locale.ROOT) + ".";
    p.put("sasl.enabled.mechanisms", SaslSslListener.MECHANISM);
    p.put(
        listener + SaslSslListener.MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    p.put(listener + "ssl.keystore.type", "PKCS12");
    p.put(listener + "ssl.keystore.location", secure.keystore().toAbsolutePath().toString());
    p.put(listener + "ssl.keystore.password", secure.password());
    p.put(listener + "ssl.key.password", secure.password());
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("allow.everyone.if.no.acl.found", "false");
    p.put("super.users", SaslSslListener.SUPER_USER);
  }
}
