package io.calmon.cli;

import io.calmon.kafka.CalmonTopic;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaAuthenticationException;
import io.calmon.kafka.serde.AvroSerde;
import io.calmon.monitor.ReportGroup;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.serde.RecordDecodingException;
import io.calmon.service.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code calmon reports} and {@code calmon alerts}: follow calibration-reports or
 * calibration-alerts and print each record as it is committed, until the timeout. JSON lines by
 * default (see {@link RecordJson}: the Avro field names, timestamps as ISO-8601 UTC strings), or
 * one readable line per record.
 */
final class ReportsCommand {

  private ReportsCommand() {}

  /** Output formats. */
  enum Format {
    JSON,
    TEXT
  }

  /** What both commands share. */
  abstract static class Follow<T extends SpecificRecord> implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--bootstrap-servers",
        paramLabel = "HOST:PORT[,...]",
        defaultValue = "${env:CALMON_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
        description = "Kafka (default: $CALMON_BOOTSTRAP_SERVERS, else ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Mixin KafkaConfigOption kafka = new KafkaConfigOption();

    @Option(names = "--prefix", defaultValue = "", description = "Topic name prefix.")
    String prefix;

    @Option(names = "--from-beginning", description = "Start at the oldest retained record.")
    boolean fromBeginning;

    @Option(
        names = "--timeout",
        defaultValue = "30s",
        description = "Stop after this long, e.g. 30s, 5m (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(
        names = "--format",
        defaultValue = "json",
        description = "json (one object per line) or text (default: ${DEFAULT-VALUE}).")
    Format format;

    abstract CalmonTopic topic(CalmonTopics topics);

    abstract Class<T> type();

    abstract String text(T record);

    @Override
    public Integer call() {
      Duration patience = parseTimeout();
      String topic = topic(TopicsCommand.topicsWithPrefix(prefix)).name();
      AvroSerde<T> serde = AvroSerde.of(type(), kafka.get().valueFormat());
      Function<T, String> render = format == Format.JSON ? RecordJson::line : this::text;
      PrintWriter out = spec.commandLine().getOut();
      long deadline = System.nanoTime() + patience.toNanos();
      try (KafkaConsumer<String, byte[]> consumer =
          CliKafka.consumer(bootstrapServers, kafka.get())) {
        if (consumer.partitionsFor(topic, patience).isEmpty()) {
          throw new UserError("topic " + topic + " does not exist");
        }
        CliKafka.assign(consumer, topic, fromBeginning);
        while (System.nanoTime() < deadline) {
          long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
          for (ConsumerRecord<String, byte[]> record :
              consumer.poll(Duration.ofMillis(Math.min(left, 500)))) {
            try {
              out.println(render.apply(serde.deserialize(topic, record.value())));
            } catch (RecordDecodingException e) {
              System.err.println(
                  "calmon: skipped offset "
                      + record.offset()
                      + " of "
                      + topic
                      + ": "
                      + e.getMessage());
            }
          }
          out.flush();
        }
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        throw new UserError(
            "--bootstrap-servers "
                + bootstrapServers
                + ": no Kafka broker answered within "
                + timeout,
            e);
      } catch (AuthenticationException e) {
        throw kafka.unreachable(
            new KafkaAuthenticationException(
                bootstrapServers, kafka.get().scrub(e.getMessage()), e));
      } catch (KafkaException e) {
        throw new UserError(
            "--bootstrap-servers " + bootstrapServers + ": " + kafka.get().scrub(e.getMessage()),
            e);
      }
      return 0;
    }

    private Duration parseTimeout() {
      try {
        Duration parsed = Durations.parse(timeout);
        if (parsed.isZero()) {
          throw new IllegalArgumentException("zero");
        }
        return parsed;
      } catch (IllegalArgumentException e) {
        throw new UserError(
            "--timeout: must be a positive " + Durations.FORMAT + ", got '" + timeout + "'");
      }
    }
  }

  /** {@code calmon reports}. */
  @Command(
      name = "reports",
      mixinStandardHelpOptions = true,
      description = {
        "Print calibration reports as they are committed, until --timeout.",
        "JSON lines with the CalibrationReport field names; times as ISO-8601 UTC strings."
      })
  static final class Reports extends Follow<CalibrationReport> {
    @Override
    CalmonTopic topic(CalmonTopics topics) {
      return topics.calibrationReports();
    }

    @Override
    Class<CalibrationReport> type() {
      return CalibrationReport.class;
    }

    @Override
    String text(CalibrationReport r) {
      return String.format(
          Locale.ROOT,
          "%s  %s/%d/%s  %-11s  scored %d  labelled %d  acc %.3f  conf %.3f  ECE %.4f [%.4f, %.4f]"
              + "  ACE %.4f  MCE %.4f",
          r.getWindowStart(),
          r.getDeployment(),
          r.getPromptVersion(),
          ReportGroup.of(r).label(),
          r.getFinal$() ? "final" : "provisional",
          r.getScoredCount(),
          r.getLabelledCount(),
          r.getAccuracy(),
          r.getMeanConfidence(),
          r.getEce(),
          r.getEceCiLow(),
          r.getEceCiHigh(),
          r.getAce(),
          r.getMce());
    }
  }

  /** {@code calmon alerts}. */
  @Command(
      name = "alerts",
      mixinStandardHelpOptions = true,
      description = {
        "Print calibration alerts as they are committed, until --timeout.",
        "JSON lines with the Alert field names (evidence reports nested)."
      })
  static final class Alerts extends Follow<Alert> {
    @Override
    CalmonTopic topic(CalmonTopics topics) {
      return topics.calibrationAlerts();
    }

    @Override
    Class<Alert> type() {
      return Alert.class;
    }

    @Override
    String text(Alert a) {
      return a.getRaisedAt()
          + "  "
          + a.getSeverity()
          + "  "
          + a.getDeployment()
          + "  "
          + a.getMessage();
    }
  }
}
