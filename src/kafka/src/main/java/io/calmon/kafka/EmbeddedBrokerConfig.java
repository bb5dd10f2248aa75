package io.calmon.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
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
   */
  static Properties serverProperties(
      Path dataDir, int brokerPort, int controllerPort, Map<String, String> extra) {
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
}
