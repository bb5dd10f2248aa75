package io.calmon.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.AuthenticationException;

/** Waits until a Kafka cluster answers an admin request with at least one live broker. */
public final class BrokerReadiness {

  private static final long RETRY_PAUSE_MS = 100;

  private BrokerReadiness() {}

  /**
   * Blocks until {@code describeCluster} on {@code bootstrapServers} lists a broker.
   *
   * @return the number of brokers the cluster reports
   * @throws KafkaUnreachableException if none answered within the timeout, or the address is bad
   * @throws KafkaAuthenticationException if the cluster refused the client's credentials
   * @throws KafkaClientConfigException if the client refused the operator's client properties
   */
  public static int await(String bootstrapServers, KafkaClientConfig kafka, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    try (Admin admin = Admin.create(adminConfig(bootstrapServers, kafka, timeout))) {
      while (System.nanoTime() < deadline) {
        long remainingMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        try {
          Collection<Node> nodes =
              admin
                  .describeCluster(
                      new DescribeClusterOptions().timeoutMs((int) Math.min(remainingMs, 5_000)))
                  .nodes()
                  .get(remainingMs, TimeUnit.MILLISECONDS);
          if (!nodes.isEmpty()) {
            return nodes.size();
          }
        } catch (ExecutionException e) {
          if (e.getCause() instanceof AuthenticationException refused) {
            // A wrong password or an untrusted certificate: the same answer on every retry.
            throw new KafkaAuthenticationException(
                bootstrapServers, kafka.scrub(refused.getMessage()), refused);
          }
          last = e.getCause() instanceof Exception cause ? cause : e;
        } catch (java.util.concurrent.TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new KafkaUnreachableException(
              bootstrapServers, "interrupted while waiting for the broker", e);
        }
        sleep(RETRY_PAUSE_MS);
      }
    } catch (KafkaException e) {
      // Thrown by Admin.create for addresses it cannot parse or resolve; the root cause says which
      // ("Invalid url in bootstrap.servers: foo"), the wrapper only "Failed to create ...".
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      String reason = kafka.scrub(root.getMessage());
      if (kafka.isNamedIn(reason)) {
        throw new KafkaClientConfigException(bootstrapServers, reason, e);
      }
      throw new KafkaUnreachableException(bootstrapServers, reason, e);
    }
    // The last error (often "timed out waiting for a node") stays in the cause, out of the message.
    throw new KafkaUnreachableException(
        bootstrapServers, "no broker answered within " + timeout.toMillis() + " ms", last);
  }

  /**
   * Admin client settings that fail within the timeout instead of Kafka's default minute, with the
   * operator's client properties on top.
   */
  public static Map<String, Object> adminConfig(
      String bootstrapServers, KafkaClientConfig kafka, Duration timeout) {
    int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 5_000));
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    return kafka.applyTo(config);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
