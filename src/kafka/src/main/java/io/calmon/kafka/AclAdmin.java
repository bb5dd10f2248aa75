package io.calmon.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;

/** Creates ACLs on a cluster through the Admin API ({@code createAcls}), idempotently. */
public final class AclAdmin {

  private AclAdmin() {}

  /**
   * Creates {@code acls} (those that exist are kept) and waits until the broker answering at {@code
   * bootstrapServers} describes every one of them, so a client relying on them may start.
   *
   * @throws KafkaUnreachableException if no broker answers within {@code timeout}
   * @throws KafkaAuthenticationException if the cluster refuses the client's credentials
   * @throws IllegalStateException if the cluster refuses the ACLs (e.g. the principal may not alter
   *     them: it needs ALTER on the cluster) or they do not show within {@code timeout}
   */
  public static void create(
      String bootstrapServers,
      KafkaClientConfig kafka,
      Duration timeout,
      Collection<AclBinding> acls) {
    BrokerReadiness.await(bootstrapServers, kafka, timeout);
    try (Admin admin =
        Admin.create(BrokerReadiness.adminConfig(bootstrapServers, kafka, timeout))) {
      admin.createAcls(List.copyOf(acls)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      long deadline = System.nanoTime() + timeout.toNanos();
      // The controller committed them; the broker's authorizer applies them a moment later.
      while (true) {
        Set<AclBinding> present =
            new HashSet<>(
                admin
                    .describeAcls(AclBindingFilter.ANY)
                    .values()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        if (present.containsAll(acls)) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("ACLs not visible after " + timeout);
        }
        Thread.sleep(50);
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(
          "could not create ACLs: " + kafka.scrub(cause.getMessage()), cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException("could not create ACLs within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating ACLs", e);
    }
  }
}
