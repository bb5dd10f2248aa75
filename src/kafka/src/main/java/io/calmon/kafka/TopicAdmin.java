package io.calmon.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and lists calmon's topics on any Kafka cluster (the embedded broker or an external one).
 * Creation is idempotent: topics that exist are kept as they are, after checking that their cleanup
 * policy is the one calmon needs (a compacted {@code prompt-versions} that is not compacted would
 * lose the live prompt to retention).
 */
public final class TopicAdmin implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  /** How long {@link #createAll(String, int, short)} and the CLI wait for the cluster. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final Admin admin;
  private final String bootstrapServers;
  private final Duration timeout;
  private final int brokerCount;

  private TopicAdmin(Admin admin, String bootstrapServers, Duration timeout, int brokerCount) {
    this.admin = admin;
    this.bootstrapServers = bootstrapServers;
    this.timeout = timeout;
    this.brokerCount = brokerCount;
  }

  /**
   * Connects and checks that a broker answers.
   *
   * @throws KafkaUnreachableException if no broker answers within {@code timeout}
   */
  public static TopicAdmin connect(String bootstrapServers, Duration timeout) {
    return connect(bootstrapServers, KafkaClientConfig.none(), timeout);
  }

  /**
   * Connects with the operator's client properties (security settings) and checks that a broker
   * answers.
   *
   * @throws KafkaUnreachableException if no broker answers within {@code timeout}
   * @throws KafkaAuthenticationException if the cluster refuses the client's credentials
   */
  public static TopicAdmin connect(
      String bootstrapServers, KafkaClientConfig kafka, Duration timeout) {
    int brokers = BrokerReadiness.await(bootstrapServers, kafka, timeout);
    Admin admin = Admin.create(BrokerReadiness.adminConfig(bootstrapServers, kafka, timeout));
    return new TopicAdmin(admin, bootstrapServers, timeout, brokers);
  }

  /**
   * Creates every calmon topic (plain names) that does not exist yet.
   *
   * @see #createAll(CalmonTopics, int, short)
   */
  public static CreateResult createAll(String bootstrapServers, int partitions, short replication) {
    try (TopicAdmin topicAdmin = connect(bootstrapServers, DEFAULT_TIMEOUT)) {
      return topicAdmin.createAll(CalmonTopics.standard(), partitions, replication);
    }
  }

  /**
   * The {@code min.insync.replicas} of a new topic with {@code replication} replicas: 2 from three
   * replicas on (an acknowledged write survives the loss of one broker while a second one is down
   * for maintenance), else 1 (a single broker, or two).
   */
  static int minInSyncReplicas(short replication) {
    return replication >= 3 ? 2 : 1;
  }

  /**
   * Creates the topics that do not exist yet, with {@code partitions} partitions, {@code
   * replication} replicas and their cleanup policy; then checks the cleanup policy of all of them.
   *
   * @throws IllegalArgumentException if {@code partitions} or {@code replication} is below 1, or a
   *     topic is missing and replication exceeds the number of brokers
   * @throws TopicMismatchException if an existing topic has another cleanup policy
   */
  public CreateResult createAll(CalmonTopics topics, int partitions, short replication) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
    }
    if (replication < 1) {
      throw new IllegalArgumentException("replication must be at least 1: " + replication);
    }
    Set<String> existing = listTopics();
    List<NewTopic> missing = new ArrayList<>();
    for (CalmonTopic topic : topics.all()) {
      if (!existing.contains(topic.name())) {
        missing.add(
            new NewTopic(topic.name(), partitions, replication)
                .configs(
                    Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        topic.cleanupPolicy().configValue(),
                        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                        Integer.toString(minInSyncReplicas(replication)))));
      }
    }
    if (!missing.isEmpty() && replication > brokerCount) {
      throw new IllegalArgumentException(
          "replication "
              + replication
              + " is more than the "
              + brokerCount
              + " broker(s) of the cluster at "
              + bootstrapServers);
    }
    Set<String> createdNow = new HashSet<>();
    CreateTopicsResult result = admin.createTopics(missing);
    for (Map.Entry<String, KafkaFuture<Void>> e : result.values().entrySet()) {
      try {
        await(e.getValue(), "create topic " + e.getKey());
        createdNow.add(e.getKey());
      } catch (ExecutionException ex) {
        if (!(ex.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "could not create topic " + e.getKey() + ": " + ex.getCause().getMessage(),
              ex.getCause());
        }
        // Created by someone else since we listed: as good as existing.
      }
    }
    // Both lists in catalogue (data-flow) order, whatever order Kafka answered in.
    List<String> created = new ArrayList<>();
    List<String> alreadyThere = new ArrayList<>();
    for (CalmonTopic topic : topics.all()) {
      (createdNow.contains(topic.name()) ? created : alreadyThere).add(topic.name());
    }
    checkCleanupPolicies(topics.all());
    awaitLeaders(createdNow);
    LOG.info("topics at {}: created {}, existing {}", bootstrapServers, created, alreadyThere);
    return new CreateResult(List.copyOf(created), List.copyOf(alreadyThere));
  }

  /**
   * Waits until the leader of every partition of {@code topics} answers a request only a leader
   * answers (the latest offset). A topic whose creation has returned may still be electing its
   * leaders, and the broker's metadata can name a leader a moment before that broker acts as one: a
   * producer writing at once got {@code NotLeaderOrFollowerException}s (with an idempotent producer
   * on a single broker, seen to end in {@code OutOfOrderSequenceException} and records expired
   * after the delivery timeout).
   */
  private void awaitLeaders(Set<String> topics) {
    if (topics.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        await(admin.describeTopics(topics).allTopicNames(), "describe " + topics)
            .forEach(
                (name, description) ->
                    description
                        .partitions()
                        .forEach(
                            p ->
                                latest.put(
                                    new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        await(admin.listOffsets(latest).all(), "list offsets of " + topics);
        return;
      } catch (ExecutionException e) {
        // Not in the broker's metadata yet, or a leader not acting as one yet.
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "topics " + topics + " at " + bootstrapServers + " have no leader after " + timeout);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for topic leaders", e);
      }
    }
  }

  /** The names of all non-internal topics of the cluster, sorted. */
  public SortedSet<String> listTopics() {
    try {
      return new TreeSet<>(await(admin.listTopics().names(), "list topics"));
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not list topics at " + bootstrapServers + ": " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /** The cleanup policy of a topic as the cluster reports it, e.g. "compact" or "delete". */
  public Optional<String> cleanupPolicy(String topic) {
    return Optional.ofNullable(describeCleanupPolicies(List.of(topic)).get(topic));
  }

  /** The cluster's id: what tells one Kafka cluster from another behind the same address. */
  public String clusterId() {
    try {
      return await(admin.describeCluster().clusterId(), "describe the cluster");
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not describe the cluster at "
              + bootstrapServers
              + ": "
              + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /**
   * The partition count of a topic.
   *
   * @throws IllegalStateException naming the topic if it does not exist or cannot be described
   */
  public int partitions(String topic) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return await(admin.describeTopics(List.of(topic)).allTopicNames(), "describe " + topic)
            .get(topic)
            .partitions()
            .size();
      } catch (ExecutionException e) {
        // A topic created a moment ago may not have reached the broker's metadata yet.
        boolean propagating = e.getCause() instanceof UnknownTopicOrPartitionException;
        if (!propagating || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "topic "
                  + topic
                  + (propagating
                      ? " does not exist"
                      : " cannot be described: " + e.getCause().getMessage()),
              e.getCause());
        }
      }
      pause();
    }
  }

  private void checkCleanupPolicies(Collection<CalmonTopic> topics) {
    Map<String, String> actual =
        describeCleanupPolicies(topics.stream().map(CalmonTopic::name).toList());
    List<String> mismatches = new ArrayList<>();
    for (CalmonTopic topic : topics) {
      String policy = actual.get(topic.name());
      // Kafka also allows "compact,delete": compacted and deleted by retention; calmon's state
      // topics must keep their latest value forever, so the exact value is required.
      if (!topic.cleanupPolicy().configValue().equals(policy)) {
        mismatches.add(
            topic.name()
                + " has cleanup.policy="
                + policy
                + " but calmon needs "
                + topic.cleanupPolicy().configValue());
      }
    }
    if (!mismatches.isEmpty()) {
      throw new TopicMismatchException(
          "existing topics at "
              + bootstrapServers
              + " do not match calmon's catalogue: "
              + String.join("; ", mismatches)
              + " (fix with kafka-configs.sh --alter or delete and recreate the topic)");
    }
  }

  private Map<String, String> describeCleanupPolicies(List<String> topicNames) {
    List<ConfigResource> resources =
        topicNames.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        Map<ConfigResource, Config> configs =
            await(admin.describeConfigs(resources).all(), "describe topic configs");
        Map<String, String> policies = new HashMap<>();
        configs.forEach(
            (resource, config) -> {
              ConfigEntry entry = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
              if (entry != null) {
                policies.put(resource.name(), entry.value());
              }
            });
        return policies;
      } catch (ExecutionException e) {
        // A topic created a moment ago may not have reached the broker's metadata yet.
        boolean propagating = e.getCause() instanceof UnknownTopicOrPartitionException;
        if (!propagating || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not describe topics " + topicNames + ": " + e.getCause(), e.getCause());
        }
      }
      pause();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for topic metadata", e);
    }
  }

  private <T> T await(KafkaFuture<T> future, String what) throws ExecutionException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new KafkaUnreachableException(
          bootstrapServers, what + " took longer than " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    }
  }

  @Override
  public void close() {
    admin.close(timeout);
  }

  /**
   * What {@link #createAll} did.
   *
   * @param created topics created now
   * @param existing topics that were already there (and have the right cleanup policy)
   */
  public record CreateResult(List<String> created, List<String> existing) {}
}
