package io.calmon.cli;

import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.TopicAdmin;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Label;
import io.calmon.scorer.DeploymentHeader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calmon produce images|labels}: put image events or labels on their topics. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Publish image events or labels.",
    subcommands = {ProduceCommand.Images.class, ProduceCommand.Labels.class})
final class ProduceCommand {

  private ProduceCommand() {}

  /** Image content types by file extension. */
  static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "png", "image/png",
          "jpg", "image/jpeg",
          "jpeg", "image/jpeg",
          "gif", "image/gif",
          "bmp", "image/bmp",
          "webp", "image/webp");

  /** Options every produce command shares. */
  static final class Common {
    @Mixin BootstrapOptions bootstrap;

    @Option(names = "--deployment", defaultValue = "default", description = "Default: default.")
    String deployment;

    @Option(names = "--prefix", defaultValue = "", description = "Topic name prefix.")
    String prefix;

    @Option(names = "--source", defaultValue = "calmon-cli", description = "Producer name.")
    String source;

    /** Checks that the topic exists, then sends every record and waits for all acks. */
    int send(String topicBaseName, List<ProducerRecord<String, byte[]>> records) {
      try (TopicAdmin admin = bootstrap.connect()) {
        String topic = records.isEmpty() ? null : records.get(0).topic();
        if (topic != null && !admin.listTopics().contains(topic)) {
          throw new UserError("topic " + topic + " does not exist; run 'calmon topics create'");
        }
      }
      try (KafkaProducer<String, byte[]> producer =
          CliKafka.producer(bootstrap.bootstrapServers, bootstrap.kafka())) {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        records.forEach(r -> acks.add(producer.send(r)));
        for (Future<RecordMetadata> ack : acks) {
          ack.get();
        }
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "could not publish to " + topicBaseName + ": " + e.getCause(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while publishing", e);
      }
      return records.size();
    }

    CalmonTopics topics() {
      return TopicsCommand.topicsWithPrefix(prefix);
    }
  }

  /**
   * One {@link ImageEvent} per file, image bytes inline; event id = file name, event time = now.
   */
  @Command(
      name = "images",
      mixinStandardHelpOptions = true,
      description = {
        "Publish one image event per file (bytes inline): event id = the file name, event time = now.",
        "Content type from the extension: png, jpg, jpeg, gif, bmp, webp."
      })
  static final class Images implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin Common common;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Inputs inputs;

    static final class Inputs {
      @Option(names = "--image", paramLabel = "FILE", description = "An image file (repeatable).")
      List<Path> images;

      @Option(names = "--dir", paramLabel = "DIR", description = "Every image file in DIR.")
      Path dir;
    }

    @Override
    public Integer call() {
      List<Path> files = inputs.dir != null ? list(inputs.dir) : inputs.images;
      String topic = common.topics().imageEvents().name();
      AvroSerde<ImageEvent> serde =
          AvroSerde.of(ImageEvent.class, common.bootstrap.kafka().valueFormat());
      List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
      for (Path file : files) {
        String id = file.getFileName().toString();
        Instant now = Instant.now();
        ImageEvent event =
            ImageEvent.newBuilder()
                .setEventId(id)
                .setEventTime(now)
                .setDeployment(common.deployment)
                .setImageBytes(ByteBuffer.wrap(read(file)))
                .setContentType(contentType(file))
                .setSource(common.source)
                .build();
        records.add(
            new ProducerRecord<>(
                topic,
                null,
                now.toEpochMilli(),
                id,
                serde.serialize(topic, event),
                DeploymentHeader.of(common.deployment))); // scorers of others skip it undecoded
      }
      int sent = common.send(topic, records);
      PrintWriter out = spec.commandLine().getOut();
      out.println("sent " + sent + " image events to " + topic);
      out.flush();
      return 0;
    }

    private static List<Path> list(Path dir) {
      if (!Files.isDirectory(dir)) {
        throw new UserError("--dir " + dir + ": not a directory");
      }
      try (Stream<Path> entries = Files.list(dir)) {
        List<Path> files =
            entries
                .filter(Files::isRegularFile)
                .filter(f -> extension(f) != null)
                .sorted()
                .toList();
        if (files.isEmpty()) {
          throw new UserError("--dir " + dir + ": no image files (" + CONTENT_TYPES.keySet() + ")");
        }
        return files;
      } catch (IOException e) {
        throw new UserError("--dir " + dir + ": " + e.getMessage(), e);
      }
    }

    private static byte[] read(Path file) {
      try {
        return Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UserError("--image " + file + ": cannot read (" + e.getMessage() + ")", e);
      }
    }

    private static String contentType(Path file) {
      String extension = extension(file);
      if (extension == null) {
        throw new UserError(
            "--image " + file + ": unknown image type; expected one of " + CONTENT_TYPES.keySet());
      }
      return CONTENT_TYPES.get(extension);
    }

    private static String extension(Path file) {
      String name = file.getFileName().toString();
      int dot = name.lastIndexOf('.');
      String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
      return CONTENT_TYPES.containsKey(ext) ? ext : null;
    }
  }

  /**
   * One {@link Label} per CSV row ({@code event_id,label}); labelled at = now. The whole file is
   * checked before anything is sent, so a bad row sends nothing.
   */
  @Command(
      name = "labels",
      mixinStandardHelpOptions = true,
      description = {
        "Publish labels from a CSV file with header 'event_id,label' (label = a class name).",
        "The file is checked first: a bad line sends nothing and exits 2 naming the line."
      })
  static final class Labels implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin Common common;

    @Option(names = "--csv", required = true, paramLabel = "FILE", description = "CSV file.")
    Path csv;

    @Override
    public Integer call() {
      List<String[]> rows = readCsv(csv);
      String topic = common.topics().labels().name();
      AvroSerde<Label> serde = AvroSerde.of(Label.class, common.bootstrap.kafka().valueFormat());
      List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
      Instant now = Instant.now();
      for (String[] row : rows) {
        Label label =
            Label.newBuilder()
                .setEventId(row[0])
                .setTrueClass(row[1])
                .setLabelledAt(now)
                .setDeployment(common.deployment)
                .setSource(common.source)
                .build();
        records.add(
            new ProducerRecord<>(
                topic, null, now.toEpochMilli(), row[0], serde.serialize(topic, label)));
      }
      int sent = common.send(topic, records);
      PrintWriter out = spec.commandLine().getOut();
      out.println("sent " + sent + " labels to " + topic);
      out.flush();
      return 0;
    }

    /** Rows of (event id, label); a user error names the file and line of the first bad one. */
    static List<String[]> readCsv(Path csv) {
      List<String> lines;
      try {
        lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UserError("--csv " + csv + ": cannot read (" + e.getMessage() + ")", e);
      }
      if (lines.isEmpty() || !lines.get(0).strip().replace(" ", "").equals("event_id,label")) {
        throw new UserError(csv + " line 1: expected the header 'event_id,label'");
      }
      List<String[]> rows = new ArrayList<>();
      for (int i = 1; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.isBlank()) {
          continue;
        }
        String[] fields = line.split(",", -1);
        int lineNumber = i + 1;
        if (fields.length != 2) {
          throw new UserError(
              csv
                  + " line "
                  + lineNumber
                  + ": expected 2 fields (event_id,label), got "
                  + fields.length);
        }
        String id = fields[0].strip();
        String label = fields[1].strip();
        if (id.isEmpty() || label.isEmpty()) {
          throw new UserError(
              csv + " line " + lineNumber + ": empty " + (id.isEmpty() ? "event_id" : "label"));
        }
        rows.add(new String[] {id, label});
      }
      if (rows.isEmpty()) {
        throw new UserError(csv + ": no labels after the header");
      }
      return rows;
    }
  }
}
