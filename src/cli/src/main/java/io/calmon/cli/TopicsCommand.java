package io.calmon.cli;

import io.calmon.kafka.CalmonTopic;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.TopicAdmin;
import io.calmon.kafka.TopicMismatchException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calmon topics create|list}: calmon's topics on any Kafka cluster. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "Create or list calmon's topics on a Kafka cluster.",
    subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class})
final class TopicsCommand {

  /** {@code calmon topics create}: creates the missing topics; existing ones are checked. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Create every calmon topic that does not exist yet (compacted where the catalogue says so).",
        "Existing topics are kept; one with the wrong cleanup policy is reported as an error.",
        "Prints one line per topic: 'created NAME' or 'exists NAME'."
      })
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin BootstrapOptions bootstrap;

    @Option(
        names = "--partitions",
        defaultValue = "3",
        description = "Partitions of each new topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
        names = "--replication-factor",
        defaultValue = "3",
        description =
            "Replicas of each new topic (default: ${DEFAULT-VALUE}, with min.insync.replicas 2;"
                + " 1 for a single broker).")
    int replication;

    @Option(
        names = "--prefix",
        defaultValue = "",
        description = "Put this in front of every topic name, e.g. 'staging-' (default: none).")
    String prefix;

    @Override
    public Integer call() {
      if (partitions < 1) {
        throw new UserError("--partitions must be at least 1, got " + partitions);
      }
      if (replication < 1 || replication > Short.MAX_VALUE) {
        throw new UserError(
            "--replication-factor must be in 1.." + Short.MAX_VALUE + ", got " + replication);
      }
      CalmonTopics topics = topicsWithPrefix(prefix);
      try (TopicAdmin admin = bootstrap.connect()) {
        TopicAdmin.CreateResult result = admin.createAll(topics, partitions, (short) replication);
        PrintWriter out = spec.commandLine().getOut();
        for (CalmonTopic topic : topics.all()) {
          String verb = result.created().contains(topic.name()) ? "created" : "exists";
          out.println(verb + " " + topic.name());
        }
        out.flush();
      } catch (TopicMismatchException e) {
        throw new UserError(e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        // The only argument the cluster can refuse here: more replicas than brokers.
        throw new UserError("--replication-factor: " + e.getMessage(), e);
      }
      return 0;
    }
  }

  /** {@code calmon topics list}: the cluster's topics, one per line. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the cluster's topics (internal ones excepted), one name per line.")
  static final class ListTopics implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin BootstrapOptions bootstrap;

    @Override
    public Integer call() {
      try (TopicAdmin admin = bootstrap.connect()) {
        PrintWriter out = spec.commandLine().getOut();
        admin.listTopics().forEach(out::println);
        out.flush();
      }
      return 0;
    }
  }

  /** The catalogue with a prefix; a prefix Kafka cannot use is a user error naming the flag. */
  static CalmonTopics topicsWithPrefix(String prefix) {
    try {
      return CalmonTopics.withPrefix(prefix);
    } catch (IllegalArgumentException e) {
      throw new UserError("--prefix: " + e.getMessage(), e);
    }
  }
}
