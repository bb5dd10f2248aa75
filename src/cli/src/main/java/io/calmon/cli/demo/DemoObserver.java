package io.calmon.cli.demo;

import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationGrouping;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.serde.RecordCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import io.calmon.schemas.serde.confluent.ValueFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches everything the demo's services produce (read_committed): counts predictions (distinct
 * event ids, for the lost/duplicate check), reports, alerts, retrain requests, prompt versions and
 * dead letters; feeds final reports to the {@link DemoTimeline}; and keeps every distinct
 * prediction with its phase, which the summary joins with the true classes the traffic generator
 * knows to measure calibration itself, independently of the monitor.
 */
final class DemoObserver implements Runnable, AutoCloseable {
  /** What the traffic generator knows about each event: its class, and whether a label follows. */
  record Truth(String trueClass, boolean newClass, boolean labelled) {}

  /**
   * One committed prediction as the observer read it, with the phase it fell in.
   *
   * @param zeroShotProbability the template's probability of the predicted class, as the scorer
   *     sent it; null when it did not
   * @param zeroShotClass the template's own answer for the same image, as the scorer sent it; null
   *     when it did not
   * @param zeroShotConfidence the template's probability of that answer
   */
  record Scored(
      String eventId,
      long promptVersion,
      long classSetVersion,
      String predictedClass,
      double confidence,
      Double zeroShotProbability,
      String zeroShotClass,
      Double zeroShotConfidence,
      DemoPhase phase) {}

  /** A prompt version and when the observer read it. */
  record Published(PromptVersion version, Instant readAt) {}

  /** An alert and when the observer read it. */
  record Raised(Alert alert, Instant readAt) {}

  /** A prompt-health measure and when the observer read it (the first copy of each). */
  record Measured(PromptHealth health, Instant readAt) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final CalmonTopics topics;
  private final ValueFormat format;
  private final DemoTimeline timeline;
  private final Map<String, Truth> truths = new ConcurrentHashMap<>();
  private final Set<String> predicted = new HashSet<>();
  private final Map<Long, Long> predictedByVersion = new TreeMap<>();
  private final AtomicLong predictions = new AtomicLong();
  private final AtomicLong reports = new AtomicLong();
  private final AtomicLong alerts = new AtomicLong();
  private final AtomicLong retrainRequests = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final List<Published> versions = new ArrayList<>();
  private final List<Raised> raised = new ArrayList<>();
  private final Map<List<Long>, Measured> measured = new LinkedHashMap<>();
  private final List<Scored> scored = new ArrayList<>();
  private volatile boolean running = true;
  private volatile Instant driftStart;
  private volatile long versionAtDrift = -1;
  private volatile long servingVersion;

  DemoObserver(
      String bootstrapServers,
      KafkaClientConfig kafka,
      CalmonTopics topics,
      DemoTimeline timeline) {
    this.topics = topics;
    this.format = kafka.valueFormat();
    this.timeline = timeline;
    this.consumer =
        new KafkaConsumer<>(
            kafka.applyTo(
                new HashMap<String, Object>(
                    Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "calmon-demo-observer-" + System.nanoTime(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false))),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    consumer.subscribe(
        List.of(
            topics.predictions().name(),
            topics.calibrationReports().name(),
            topics.calibrationAlerts().name(),
            topics.retrainRequests().name(),
            topics.promptVersions().name(),
            topics.promptHealth().name(),
            topics.deadLetters().name()));
  }

  /** Called by the traffic generator for every event it sends. */
  void expect(String eventId, String trueClass, boolean newClass, boolean labelled) {
    truths.put(eventId, new Truth(trueClass, newClass, labelled));
  }

  synchronized void driftStarted(Instant at) {
    driftStart = at;
    versionAtDrift = servingVersion;
    timeline.driftStarted(at);
  }

  @Override
  public void run() {
    RecordCodec<Prediction> predictionCodec =
        format.codec(Prediction.class, topics.predictions().name());
    RecordCodec<CalibrationReport> reportCodec =
        format.codec(CalibrationReport.class, topics.calibrationReports().name());
    RecordCodec<PromptVersion> versionCodec =
        format.codec(PromptVersion.class, topics.promptVersions().name());
    RecordCodec<Alert> alertCodec = format.codec(Alert.class, topics.calibrationAlerts().name());
    try {
      poll(
          predictionCodec,
          reportCodec,
          versionCodec,
          alertCodec,
          format.codec(PromptHealth.class, topics.promptHealth().name()));
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void poll(
      RecordCodec<Prediction> predictionCodec,
      RecordCodec<CalibrationReport> reportCodec,
      RecordCodec<PromptVersion> versionCodec,
      RecordCodec<Alert> alertCodec,
      RecordCodec<PromptHealth> healthCodec) {
    while (running) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        try {
          String topic = record.topic();
          if (topic.equals(topics.predictions().name())) {
            onPrediction(predictionCodec.decode(record.value()));
          } else if (topic.equals(topics.calibrationReports().name())) {
            CalibrationReport report = reportCodec.decode(record.value());
            reports.incrementAndGet();
            if (report.getGrouping() == CalibrationGrouping.TRUE_CLASS
                || report.getGroup() == CalibrationGroup.ALL) {
              timeline.add(report); // the demo watches the groups by true class (the paper's)
            }
          } else if (topic.equals(topics.calibrationAlerts().name())) {
            onAlert(alertCodec.decode(record.value()));
          } else if (topic.equals(topics.retrainRequests().name())) {
            retrainRequests.incrementAndGet();
          } else if (topic.equals(topics.promptVersions().name())) {
            onVersion(versionCodec.decode(record.value()));
          } else if (topic.equals(topics.promptHealth().name())) {
            onHealth(healthCodec.decode(record.value()));
          } else if (topic.equals(topics.deadLetters().name())) {
            deadLetters.incrementAndGet();
          }
        } catch (RecordDecodingException e) {
          deadLetters.incrementAndGet(); // the observer never dies on a bad record
        }
      }
    }
  }

  private synchronized void onVersion(PromptVersion version) {
    versions.add(new Published(version, Instant.now()));
    servingVersion = Math.max(servingVersion, version.getVersion());
  }

  private synchronized void onAlert(Alert alert) {
    raised.add(new Raised(alert, Instant.now()));
    alerts.incrementAndGet();
  }

  private synchronized void onHealth(PromptHealth health) {
    measured.putIfAbsent(
        List.of(health.getPromptVersion(), health.getClassSetVersion()),
        new Measured(health, Instant.now()));
  }

  private synchronized void onPrediction(Prediction prediction) {
    predictions.incrementAndGet();
    if (!predicted.add(prediction.getEventId())) {
      return; // a duplicate would show as predictions > distinct ids
    }
    predictedByVersion.merge(prediction.getPromptVersion(), 1L, Long::sum);
    DemoPhase phase = phaseOf(prediction);
    scored.add(
        new Scored(
            prediction.getEventId(),
            prediction.getPromptVersion(),
            prediction.getClassSetVersion(),
            prediction.getPredictedClass(),
            prediction.getConfidence(),
            prediction.getZeroShotProbability(),
            prediction.getZeroShotClass(),
            prediction.getZeroShotConfidence(),
            phase));
  }

  private DemoPhase phaseOf(Prediction prediction) {
    if (driftStart == null || prediction.getEventTime().isBefore(driftStart)) {
      return DemoPhase.BEFORE_DRIFT;
    }
    return prediction.getPromptVersion() > versionAtDrift
        ? DemoPhase.AFTER_RETRAIN
        : DemoPhase.DURING_DRIFT;
  }

  /** Every distinct prediction read, in the order read. */
  synchronized List<Scored> scored() {
    return List.copyOf(scored);
  }

  /** What the traffic generator said about an event; null for one it did not send. */
  Truth truth(String eventId) {
    return truths.get(eventId);
  }

  /** Alerts read, in order. */
  synchronized List<Raised> raised() {
    return List.copyOf(raised);
  }

  /** The prompt-health measures read, one per (prompt version, class set version), in order. */
  synchronized List<Measured> measured() {
    return List.copyOf(measured.values());
  }

  synchronized long distinctPredicted() {
    return predicted.size();
  }

  /** Distinct predicted events per prompt version that scored them. */
  synchronized Map<Long, Long> predictionsByVersion() {
    return Map.copyOf(predictedByVersion);
  }

  /** Prompt versions read, in order. */
  synchronized List<PromptVersion> versions() {
    return versions.stream().map(Published::version).toList();
  }

  /** Prompt versions read, with when. */
  synchronized List<Published> published() {
    return List.copyOf(versions);
  }

  synchronized long servingVersion() {
    return servingVersion;
  }

  long predictions() {
    return predictions.get();
  }

  long reports() {
    return reports.get();
  }

  long alerts() {
    return alerts.get();
  }

  long retrainRequests() {
    return retrainRequests.get();
  }

  long deadLetters() {
    return deadLetters.get();
  }

  /** Events the generator sent that have no prediction (yet). */
  synchronized long missing(Set<String> sent) {
    long missing = 0;
    for (String id : sent) {
      if (!predicted.contains(id)) {
        missing++;
      }
    }
    return missing;
  }

  /** Stops polling; the polling thread closes the consumer on its way out. */
  @Override
  public void close() {
    running = false;
  }
}
