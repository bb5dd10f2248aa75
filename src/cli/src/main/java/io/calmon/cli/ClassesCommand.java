package io.calmon.cli;

import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.kafka.TopicAdmin;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.serde.RecordDecodingException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code calmon classes set}: publish a deployment's class set. */
@Command(
    name = "classes",
    mixinStandardHelpOptions = true,
    description = "Manage the class sets that scorers classify against.",
    subcommands = {ClassesCommand.Set.class})
final class ClassesCommand {

  /**
   * Publishes a new {@link ClassSet} on the compacted class-sets topic. Its version is the latest
   * version of the deployment plus one, found by reading the topic to its end (1 for a new
   * deployment). Two users publishing at the same moment can both get the same version; the later
   * record wins in compaction, and scorers follow the latest record either way.
   */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Publish the class names of a deployment (base and new, in scoring order).",
        "Version = the deployment's latest version + 1. Prints 'class set DEPLOYMENT vN: K classes'."
      })
  static final class Set implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin BootstrapOptions bootstrap;

    @Option(names = "--deployment", defaultValue = "default", description = "Default: default.")
    String deployment;

    @Option(names = "--prefix", defaultValue = "", description = "Topic name prefix.")
    String prefix;

    @Parameters(
        paramLabel = "CLASSES",
        description = "Comma-separated class names, e.g. \"red circle,blue square\".")
    String classes;

    @Override
    public Integer call() throws InterruptedException {
      List<String> names = parse(classes);
      CalmonTopics topics = TopicsCommand.topicsWithPrefix(prefix);
      try (TopicAdmin admin = bootstrap.connect()) {
        if (!admin.listTopics().contains(topics.classSets().name())) {
          throw new UserError(
              "topic " + topics.classSets().name() + " does not exist; run 'calmon topics create'");
        }
      }
      String servers = bootstrap.bootstrapServers;
      long version =
          latestVersion(servers, bootstrap.kafka(), topics.classSets().name(), deployment) + 1;
      ClassSet classSet =
          ClassSet.newBuilder()
              .setDeployment(deployment)
              .setVersion(version)
              .setCreatedAt(Instant.now())
              .setClassNames(names)
              .build();
      try (KafkaProducer<String, byte[]> producer = CliKafka.producer(servers, bootstrap.kafka())) {
        producer
            .send(
                new ProducerRecord<>(
                    topics.classSets().name(),
                    deployment,
                    AvroSerde.of(ClassSet.class, bootstrap.kafka().valueFormat())
                        .serialize(topics.classSets().name(), classSet)))
            .get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("could not publish the class set: " + e.getCause(), e);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("class set " + deployment + " v" + version + ": " + names.size() + " classes");
      out.flush();
      return 0;
    }

    static List<String> parse(String classes) {
      List<String> names = new ArrayList<>();
      java.util.Set<String> seen = new HashSet<>();
      for (String raw : Arrays.asList(classes.split(",", -1))) {
        String name = raw.trim();
        if (name.isEmpty()) {
          throw new UserError("CLASSES: empty class name in '" + classes + "'");
        }
        if (!seen.add(name)) {
          throw new UserError("CLASSES: class '" + name + "' is listed twice");
        }
        names.add(name);
      }
      return names;
    }

    /** The highest version published for the deployment so far, 0 if none. */
    static long latestVersion(
        String servers, KafkaClientConfig kafka, String topic, String deployment) {
      AvroSerde<ClassSet> serde = AvroSerde.of(ClassSet.class, kafka.valueFormat());
      long[] latest = {0};
      CliKafka.readToEnd(
          servers,
          kafka,
          topic,
          record -> {
            if (deployment.equals(record.key()) && record.value() != null) {
              try {
                latest[0] =
                    Math.max(latest[0], serde.deserialize(topic, record.value()).getVersion());
              } catch (RecordDecodingException e) {
                // Not a class set: the monitor skips it too; it has no version to continue from.
              }
            }
          });
      return latest[0];
    }
  }

  private ClassesCommand() {}
}
