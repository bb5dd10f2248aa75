package io.calmon.kafka;

import io.calmon.kafka.CalmonTopic.CleanupPolicy;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.RetrainRequest;
import io.calmon.schemas.state.FewShotSample;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;

/**
 * The catalogue of calmon's topics (docs/KAFKA.md has the same table), optionally with a name
 * prefix so that tests and side-by-side deployments get their own topics on a shared broker.
 *
 * <pre>{@code
 * CalmonTopics topics = CalmonTopics.withPrefix("t42-");
 * topics.predictions().name(); // "t42-predictions"
 * }</pre>
 */
public final class CalmonTopics {

  /** Kafka's legal topic characters; the length limit is Kafka's too. */
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");

  private static final int MAX_NAME_LENGTH = 249;

  private static final CalmonTopics STANDARD = new CalmonTopics("");

  private final String prefix;
  private final CalmonTopic imageEvents;
  private final CalmonTopic predictions;
  private final CalmonTopic labels;
  private final CalmonTopic promptVersions;
  private final CalmonTopic classSets;
  private final CalmonTopic promptHealth;
  private final CalmonTopic calibrationReports;
  private final CalmonTopic calibrationAlerts;
  private final CalmonTopic retrainRequests;
  private final CalmonTopic deadLetters;
  private final CalmonTopic trainerState;
  private final List<CalmonTopic> all;

  private CalmonTopics(String prefix) {
    this.prefix = prefix;
    imageEvents =
        topic(
            "image-events",
            "event id",
            ImageEvent.class,
            CleanupPolicy.DELETE,
            "Images to classify, inline or by claim-check URI.");
    predictions =
        topic(
            "predictions",
            "event id",
            Prediction.class,
            CleanupPolicy.DELETE,
            "Scorer output: predicted class, confidence, top-k, group (base/new), prompt version.");
    labels =
        topic(
            "labels",
            "event id",
            Label.class,
            CleanupPolicy.DELETE,
            "Ground truth for an event; arrives late or never.");
    promptVersions =
        topic(
            "prompt-versions",
            "deployment name",
            PromptVersion.class,
            CleanupPolicy.COMPACT,
            "Tuned prompts published by the trainer; the latest per deployment is the live one.");
    classSets =
        topic(
            "class-sets",
            "deployment name",
            ClassSet.class,
            CleanupPolicy.COMPACT,
            "Base and new class names per deployment; new classes can be added at run time.");
    promptHealth =
        topic(
            "prompt-health",
            "deployment name",
            PromptHealth.class,
            CleanupPolicy.COMPACT,
            "Text-feature shift of the served classes per prompt version and class set, no label.");
    calibrationReports =
        topic(
            "calibration-reports",
            "deployment/version/group",
            CalibrationReport.class,
            CleanupPolicy.DELETE,
            "Windowed calibration (ECE, ACE, MCE, Brier, NLL, bins), provisional then final.");
    calibrationAlerts =
        topic(
            "calibration-alerts",
            "deployment name",
            Alert.class,
            CleanupPolicy.DELETE,
            "Alerts raised by the monitor's rules, with the evidence reports.");
    retrainRequests =
        topic(
            "retrain-requests",
            "deployment name",
            RetrainRequest.class,
            CleanupPolicy.DELETE,
            "Requests for a new prompt version; the trainer de-duplicates them.");
    deadLetters =
        topic(
            "dead-letters",
            "source record key",
            DeadLetter.class,
            CleanupPolicy.DELETE,
            "Records no service could process: original bytes, error, source offset.");
    trainerState =
        topic(
            "trainer-state",
            "deployment/pool/class",
            FewShotSample.class,
            CleanupPolicy.COMPACT,
            "The trainer's few-shot reservoir and held-out features per class, restored on start.");
    all =
        List.of(
            imageEvents,
            predictions,
            labels,
            promptVersions,
            classSets,
            promptHealth,
            calibrationReports,
            calibrationAlerts,
            retrainRequests,
            deadLetters,
            trainerState);
  }

  /** The topics with their plain names, as a production deployment uses them. */
  public static CalmonTopics standard() {
    return STANDARD;
  }

  /**
   * The topics with every name prefixed, e.g. {@code withPrefix("t42-")} gives {@code
   * t42-image-events}.
   *
   * @throws IllegalArgumentException if the prefix has characters Kafka does not allow in topic
   *     names (letters, digits, '.', '_', '-') or makes a name too long
   */
  public static CalmonTopics withPrefix(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return STANDARD;
    }
    if (!LEGAL.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "topic prefix '" + prefix + "' may only contain letters, digits, '.', '_' and '-'");
    }
    int longest = "calibration-reports".length();
    if (prefix.length() + longest > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "topic prefix of length "
              + prefix.length()
              + " makes names longer than Kafka's "
              + MAX_NAME_LENGTH
              + " characters");
    }
    return new CalmonTopics(prefix);
  }

  /** The prefix in front of every name; empty for {@link #standard()}. */
  public String prefix() {
    return prefix;
  }

  public CalmonTopic imageEvents() {
    return imageEvents;
  }

  public CalmonTopic predictions() {
    return predictions;
  }

  public CalmonTopic labels() {
    return labels;
  }

  public CalmonTopic promptVersions() {
    return promptVersions;
  }

  public CalmonTopic classSets() {
    return classSets;
  }

  public CalmonTopic promptHealth() {
    return promptHealth;
  }

  public CalmonTopic calibrationReports() {
    return calibrationReports;
  }

  public CalmonTopic calibrationAlerts() {
    return calibrationAlerts;
  }

  public CalmonTopic retrainRequests() {
    return retrainRequests;
  }

  public CalmonTopic deadLetters() {
    return deadLetters;
  }

  /** The trainer's own state (compacted): its few-shot features per class. */
  public CalmonTopic trainerState() {
    return trainerState;
  }

  /** Every topic, in data-flow order. */
  public List<CalmonTopic> all() {
    return all;
  }

  /** The topic with this full (prefixed) name, if it is one of calmon's. */
  public Optional<CalmonTopic> byName(String name) {
    return all.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  private CalmonTopic topic(
      String baseName,
      String key,
      Class<? extends SpecificRecord> valueType,
      CleanupPolicy cleanupPolicy,
      String doc) {
    return new CalmonTopic(prefix + baseName, baseName, key, valueType, cleanupPolicy, doc);
  }

  @Override
  public String toString() {
    return "CalmonTopics[prefix='" + prefix + "']";
  }
}
