package io.calmon.monitor.alerting;

import io.calmon.core.prompt.TextFeatureShift;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.Severity;
import io.calmon.schemas.TextShift;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The label-free warning: a prompt version's {@link PromptHealth}, measured from its text features
 * alone when it starts serving a class set, fires when the served new classes' textual label
 * divergence, tuned over zero-shot, reaches {@code ratioThreshold}. CoOp's overconfidence on new
 * classes comes from a context that pushes their text features apart (DOR, arXiv 2410.02681); this
 * sees that push before a single label arrives. A warning only: it asks for no retraining, the ECE
 * rule does once labels confirm it (docs/results/prompt-health-*.md has how well it predicts).
 *
 * <p>One warning per (deployment, prompt version, class set version): every scorer publishes the
 * same measure, so only a measure newer than the last one seen is evaluated ({@link #supersedes}),
 * and alert ids are derived from the triple, so reprocessing yields the same ids. A group of fewer
 * than two new classes has no divergence and never fires.
 *
 * @param ratioThreshold the divergence ratio at which to warn, above 0; {@link #off()} never warns
 */
public record TextDivergenceRule(double ratioThreshold) {

  /** Rule name carried by its alerts. */
  public static final String RULE = "text-divergence-above-threshold";

  /** Never warns. */
  public static TextDivergenceRule off() {
    return new TextDivergenceRule(Double.POSITIVE_INFINITY);
  }

  /** The default threshold: see docs/results/prompt-health-*.md for how it was set. */
  public static TextDivergenceRule defaults() {
    return new TextDivergenceRule(1.1);
  }

  /**
   * The rule a setting names: a ratio above 0, or {@code off}.
   *
   * @throws IllegalArgumentException if it is neither
   */
  public static TextDivergenceRule parse(String value) {
    String v = value == null ? "" : value.trim();
    if (v.equalsIgnoreCase("off")) {
      return off();
    }
    try {
      double ratio = Double.parseDouble(v);
      if (ratio > 0 && Double.isFinite(ratio)) {
        return new TextDivergenceRule(ratio);
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException("must be a number above 0, or off");
  }

  public TextDivergenceRule {
    if (!(ratioThreshold > 0)) {
      throw new IllegalArgumentException(
          "text-divergence-ratio must be above 0, got " + ratioThreshold);
    }
  }

  /** Whether the rule can fire at all. */
  public boolean isOn() {
    return Double.isFinite(ratioThreshold);
  }

  /**
   * Whether {@code incoming} is a newer measure than {@code last} (null: none seen): a later prompt
   * version, or the same version with a later class set. An equal one is a copy from another scorer
   * or a replay; an older one arrived out of order.
   */
  public static boolean supersedes(PromptHealth last, PromptHealth incoming) {
    if (last == null) {
      return true;
    }
    int byVersion = Long.compare(incoming.getPromptVersion(), last.getPromptVersion());
    return byVersion > 0
        || (byVersion == 0 && incoming.getClassSetVersion() > last.getClassSetVersion());
  }

  /**
   * A group's measures as the core's {@link TextFeatureShift}, whose ratios are the one definition;
   * null stays null.
   */
  public static TextFeatureShift shift(TextShift group) {
    return group == null
        ? null
        : new TextFeatureShift(
            group.getClasses(),
            group.getDivergence(),
            group.getZeroShotDivergence(),
            group.getDeviation(),
            group.getSeparation(),
            group.getZeroShotSeparation());
  }

  /** Tuned over zero-shot divergence of a group; NaN when it is null or has no pairs. */
  public static double divergenceRatio(TextShift group) {
    return group == null ? Double.NaN : shift(group).divergenceRatio();
  }

  /** The warning {@code health} raises, if its new classes' divergence ratio reaches the bar. */
  public Optional<Alert> evaluate(PromptHealth health) {
    double ratio = divergenceRatio(health.getNewClasses());
    if (!(ratio >= ratioThreshold)) {
      return Optional.empty();
    }
    TextShift fresh = health.getNewClasses();
    String message =
        String.format(
            Locale.ROOT,
            "new-class text divergence %.2fx zero-shot's (%.4f against %.4f over %d classes) for"
                + " prompt version %d (%s) with class set %d, at or above %.2fx: the prompt pushes"
                + " the new classes apart, which makes them overconfident (measured without labels)",
            ratio,
            fresh.getDivergence(),
            fresh.getZeroShotDivergence(),
            fresh.getClasses(),
            health.getPromptVersion(),
            health.getMethod(),
            health.getClassSetVersion(),
            ratioThreshold);
    String identity =
        String.join(
            "|",
            RULE,
            health.getDeployment(),
            Long.toString(health.getPromptVersion()),
            Long.toString(health.getClassSetVersion()));
    return Optional.of(
        Alert.newBuilder()
            .setAlertId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)))
            .setDeployment(health.getDeployment())
            .setPromptVersion(health.getPromptVersion())
            .setGroup(CalibrationGroup.NEW)
            .setRule(RULE)
            .setSeverity(Severity.WARNING)
            .setRaisedAt(health.getMeasuredAt())
            .setThreshold(ratioThreshold)
            .setObserved(ratio)
            .setMessage(message)
            .setEvidence(List.of())
            .build());
  }
}
