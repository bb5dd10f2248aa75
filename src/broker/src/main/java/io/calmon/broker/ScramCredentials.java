package io.calmon.broker;

import io.calmon.kafka.BrokerReadiness;
import io.calmon.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/** SCRAM-SHA-512 credentials created through the Admin API ({@code alterUserScramCredentials}). */
final class ScramCredentials {

  /** Kafka's minimum iteration count for SCRAM-SHA-512 is 4096; clients verify this many. */
  private static final int ITERATIONS = 8192;

  private ScramCredentials() {}

  /** Creates or replaces {@code user}'s credential and waits until the broker describes it. */
  static void upsert(String bootstrapServers, String user, String password, Duration timeout) {
    try (Admin admin =
        Admin.create(
            BrokerReadiness.adminConfig(bootstrapServers, KafkaClientConfig.none(), timeout))) {
      ScramCredentialInfo info = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS);
      admin
          .alterUserScramCredentials(
              List.of(new UserScramCredentialUpsertion(user, info, password)))
          .all()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      long deadline = System.nanoTime() + timeout.toNanos();
      // The controller committed it; the broker applies it from the metadata log a moment later.
      while (!admin.describeUserScramCredentials(List.of(user)).users().get().contains(user)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("SCRAM user " + user + " not visible after " + timeout);
        }
        Thread.sleep(50);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create SCRAM user " + user, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating SCRAM user " + user, e);
    }
  }
}
