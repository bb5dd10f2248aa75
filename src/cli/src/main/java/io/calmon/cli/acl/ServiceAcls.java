package io.calmon.cli.acl;

import io.calmon.kafka.CalmonTopic;
import io.calmon.kafka.CalmonTopics;
import io.calmon.monitor.MonitorSettings;
import io.calmon.scorer.ScorerConfig;
import io.calmon.trainer.service.TrainerSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs each calmon service needs on a cluster with an authorizer, and no more (least
 * privilege). Topic names come from the topic catalogue; group and transactional ids from the
 * services' own settings, so the list follows the code. {@code calmon acls} prints or applies it;
 * docs/SECURITY.md shows it (a test checks that they agree).
 *
 * <p>READ and WRITE on a topic imply DESCRIBE, and WRITE on a topic lets a producer be idempotent
 * (no cluster IDEMPOTENT_WRITE needed since Kafka 3.0). WRITE on a transactional id implies
 * DESCRIBE.
 */
public final class ServiceAcls {

  /** Who the ACLs are for. */
  public enum Service {
    /** {@code calmon scorer}: image events in, predictions out, in transactions. */
    SCORER,
    /** {@code calmon monitor}: Kafka Streams with exactly_once_v2. */
    MONITOR,
    /** {@code calmon trainer}: few-shot features in, prompt versions out, in transactions. */
    TRAINER,
    /** An application that sends image events and labels ({@code calmon produce}). */
    PRODUCER;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private ServiceAcls() {}

  /**
   * The ACLs of {@code service}.
   *
   * @param topics calmon's topics (with the deployment's topic prefix)
   * @param deployment the deployment a scorer or trainer serves (names its group and transactional
   *     ids)
   * @param applicationId the monitor's Kafka Streams application id
   */
  public static List<ServiceAcl> of(
      Service service, CalmonTopics topics, String deployment, String applicationId) {
    return switch (service) {
      case SCORER -> scorer(topics, deployment);
      case MONITOR -> monitor(topics, applicationId);
      case TRAINER -> trainer(topics, deployment);
      case PRODUCER ->
          List.of(
              write(topics.imageEvents(), "sends image events"),
              write(topics.labels(), "sends labels"));
    };
  }

  private static List<ServiceAcl> scorer(CalmonTopics topics, String deployment) {
    String group = ScorerConfig.groupId(deployment);
    return List.of(
        read(topics.imageEvents(), "consumes image events in group " + group),
        read(topics.promptVersions(), "follows the live prompt version"),
        read(topics.classSets(), "follows the live class set"),
        write(topics.predictions(), "writes predictions"),
        write(topics.promptHealth(), "publishes the served prompt's text-feature shift"),
        write(topics.deadLetters(), "dead-letters bad events"),
        group(group, "its consumer group; offsets commit in its transactions"),
        transactionalId(
            ScorerConfig.transactionalIdPrefix(deployment),
            PatternType.PREFIXED,
            "one transactional id per instance: the prefix, then --instance-id"));
  }

  private static List<ServiceAcl> trainer(CalmonTopics topics, String deployment) {
    String group = TrainerSettings.groupId(deployment);
    return List.of(
        read(topics.imageEvents(), "collects few-shot images in group " + group),
        read(topics.labels(), "collects their labels"),
        read(topics.retrainRequests(), "answers retrain requests"),
        read(topics.promptVersions(), "reads the versions published so far"),
        read(topics.classSets(), "reads the class sets"),
        read(topics.trainerState(), "restores its few-shot features"),
        write(topics.promptVersions(), "publishes prompt versions"),
        write(topics.classSets(), "publishes the class set of a new version"),
        write(topics.trainerState(), "keeps its few-shot features"),
        write(topics.calibrationAlerts(), "reports refused retrainings"),
        write(topics.deadLetters(), "dead-letters bad records"),
        group(group, "its consumer group; offsets commit in its transactions"),
        transactionalId(
            TrainerSettings.groupId(deployment),
            PatternType.LITERAL,
            "its transactional id: one trainer per deployment"));
  }

  private static List<ServiceAcl> monitor(CalmonTopics topics, String applicationId) {
    List<ServiceAcl> acls = new ArrayList<>();
    acls.add(read(topics.predictions(), "joins predictions"));
    acls.add(read(topics.labels(), "with labels"));
    acls.add(read(topics.classSets(), "knows each deployment's classes"));
    acls.add(read(topics.promptVersions(), "knows each prompt version's base classes"));
    acls.add(read(topics.promptHealth(), "warns on a prompt's text features, before labels"));
    acls.add(write(topics.calibrationReports(), "writes calibration reports"));
    acls.add(write(topics.calibrationAlerts(), "raises alerts"));
    acls.add(write(topics.retrainRequests(), "asks for retraining"));
    acls.add(write(topics.deadLetters(), "dead-letters bad records"));
    Set<String> used = new HashSet<>();
    acls.forEach(a -> used.add(a.name()));
    for (CalmonTopic topic : topics.all()) {
      if (!used.contains(topic.name())) {
        acls.add(topic(topic, AclOperation.DESCRIBE, "checks at start that it exists"));
      }
      acls.add(topic(topic, AclOperation.DESCRIBE_CONFIGS, "checks its cleanup policy at start"));
    }
    String internal = applicationId + "-";
    for (AclOperation op :
        List.of(
            AclOperation.CREATE,
            AclOperation.READ,
            AclOperation.WRITE,
            AclOperation.DELETE,
            AclOperation.DESCRIBE_CONFIGS)) {
      acls.add(
          new ServiceAcl(
              ResourceType.TOPIC,
              internal,
              PatternType.PREFIXED,
              op,
              "Kafka Streams' internal topics (repartition, changelog)"));
    }
    acls.add(group(applicationId, "Kafka Streams' consumer group: the application id"));
    acls.add(
        transactionalId(
            internal,
            PatternType.PREFIXED,
            "exactly_once_v2: one transactional id per stream thread"));
    return List.copyOf(acls);
  }

  /** One ACL as {@code calmon acls} prints it: principal, operation, type, pattern, name, why. */
  public static String line(String principal, ServiceAcl acl) {
    return String.format(
        "%s %-16s %-16s %-8s %-32s # %s",
        principal, acl.operation(), acl.resourceType(), acl.pattern(), acl.name(), acl.why());
  }

  /**
   * The ACLs of every service as docs/SECURITY.md shows them: one Markdown table per service, for
   * the standard topics, deployment {@code default} and the monitor's default application id.
   */
  public static String markdown() {
    String monitorApplicationId = MonitorSettings.defaultApplicationId("");
    StringBuilder md = new StringBuilder();
    for (Service service : Service.values()) {
      md.append("### ").append(service.label()).append("\n\n");
      md.append("| operation | resource | pattern | name | why |\n");
      md.append("|---|---|---|---|---|\n");
      for (ServiceAcl acl : of(service, CalmonTopics.standard(), "default", monitorApplicationId)) {
        md.append(
            String.format(
                "| %s | %s | %s | `%s` | %s |\n",
                acl.operation(), acl.resourceType(), acl.pattern(), acl.name(), acl.why()));
      }
      md.append('\n');
    }
    return md.toString();
  }

  private static ServiceAcl group(String group, String why) {
    return new ServiceAcl(ResourceType.GROUP, group, PatternType.LITERAL, AclOperation.READ, why);
  }

  private static ServiceAcl transactionalId(String id, PatternType pattern, String why) {
    return new ServiceAcl(ResourceType.TRANSACTIONAL_ID, id, pattern, AclOperation.WRITE, why);
  }

  private static ServiceAcl read(CalmonTopic topic, String why) {
    return topic(topic, AclOperation.READ, why);
  }

  private static ServiceAcl write(CalmonTopic topic, String why) {
    return topic(topic, AclOperation.WRITE, why);
  }

  private static ServiceAcl topic(CalmonTopic topic, AclOperation op, String why) {
    return new ServiceAcl(ResourceType.TOPIC, topic.name(), PatternType.LITERAL, op, why);
  }
}
