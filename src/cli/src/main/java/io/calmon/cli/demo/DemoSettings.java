package io.calmon.cli.demo;

import io.calmon.kafka.KafkaClientConfig;
import io.calmon.monitor.alerting.ConfidenceLiftRule;
import io.calmon.monitor.alerting.EceAlertRule;
import io.calmon.monitor.alerting.TextDivergenceRule;
import io.calmon.pretrain.TaskBand;
import io.calmon.trainer.service.TrainerSettings.RetrainClasses;
import io.calmon.tuning.TuningMethod;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A demo run's settings, validated by {@link DemoCommand}.
 *
 * @param duration how long traffic runs
 * @param window the monitor's (tumbling) window length; label delays and alert rules scale with it
 * @param rate image events per second
 * @param scenario what changes at 40% of the run (a quarter in the open-vocabulary scenario)
 * @param seed task and traffic seed
 * @param tuningSeed seed of the prompt tunings (their shots, context initialisation and batches)
 * @param band the zero-shot accuracy band the task is drawn in, or null to take the seed's task
 * @param bootstrapServers an existing cluster, or null for the embedded broker
 * @param kafka the Kafka client properties for an existing cluster (none for the embedded broker)
 * @param summaryJson where the summary goes, or null
 * @param reportHtml where the HTML report goes
 * @param loop the closed loop's knobs that the command does not expose
 */
record DemoSettings(
    Duration duration,
    Duration window,
    double rate,
    Scenario scenario,
    long seed,
    long tuningSeed,
    TaskBand band,
    String bootstrapServers,
    KafkaClientConfig kafka,
    Path summaryJson,
    Path reportHtml,
    Loop loop) {

  /**
   * Knobs of the closed loop that {@code calmon demo} does not expose; {@link #defaults()} is what
   * it runs with. Tests choose others, e.g. an ECE threshold that every window breaches and an open
   * publish gate, so that the alert and the retrained version do not depend on the model.
   *
   * @param eceThreshold the monitor's ECE alert threshold for base and new classes, in (0, 1)
   * @param minLabelled labels a window needs to count toward an alert; 0: a quarter of a window's
   *     expected labels, at least 20
   * @param consecutiveWindows breaching windows in a row before an alert, at least 1
   * @param epochs epochs of every tuning run (version 1 and retraining)
   * @param shots examples per class: version 1's train split, and what the trainer's reservoir
   *     keeps
   * @param minShots reservoir examples a class needs before a retraining tunes on it (1..shots)
   * @param maxAccuracyDrop held-out accuracy a retrained version may lose and still be published
   * @param maxEceRise held-out ECE a retrained version may gain and still be published
   * @param minJudged held-out examples a retrained version must be judged on to be published
   * @param noiseGate alert only when a window's ECE interval starts above the threshold and its ECE
   *     is above its noise floor (what a calibrated model shows on as many labels); tests that need
   *     every window to breach turn it off
   * @param initialMethod version 1's tuning method; retrainings always use coop+dor
   * @param initialEpochs version 1's tuning epochs; retrainings use {@code epochs}
   * @param trainImagesPerClass training images per base class in the exported task, from which
   *     version 1 draws {@code shots} by the tuning seed
   * @param posthocTemperature whether the trainer fits each version's temperature on held-out
   *     labelled examples, or serves it as tuned
   * @param retrainClasses which classes a retraining tunes on
   * @param textRule the monitor's label-free warning on the served prompt's text features
   * @param liftThreshold the confidence lift over zero-shot at which the monitor warns (its
   *     label-free warning on traffic), or positive infinity for never
   * @param eceReference what the ECE rule's threshold is measured from
   */
  record Loop(
      double eceThreshold,
      long minLabelled,
      int consecutiveWindows,
      int epochs,
      int shots,
      int minShots,
      double maxAccuracyDrop,
      double maxEceRise,
      long minJudged,
      boolean noiseGate,
      TuningMethod initialMethod,
      int initialEpochs,
      int trainImagesPerClass,
      boolean posthocTemperature,
      RetrainClasses retrainClasses,
      TextDivergenceRule textRule,
      double liftThreshold,
      EceAlertRule.Reference eceReference) {

    /** What every tuning run but version 1's uses. */
    static final TuningMethod RETRAINING_METHOD = TuningMethod.parse("coop+dor");

    /**
     * The drift scenarios' loop: ECE above 5% for two windows, 20 epochs, 16 shots (all the task
     * has), the trainer's gate, every version by coop+dor with a temperature fitted on held-out
     * examples, retrainings on every class with enough labels.
     */
    static Loop defaults() {
      return new Loop(
          0.05,
          0,
          2,
          20,
          16,
          4,
          0.02,
          0.01,
          30,
          true,
          RETRAINING_METHOD,
          20,
          16,
          true,
          RetrainClasses.READY,
          TextDivergenceRule.defaults(),
          ConfidenceLiftRule.DEFAULT_THRESHOLD,
          EceAlertRule.Reference.NONE);
    }

    /**
     * The open-vocabulary scenario's loop, the paper's base-to-new protocol: version 1 by CoOp
     * alone for 200 epochs (the reproduction's schedule, docs/WORLD.md) on 16 shots drawn from 64
     * images per base class, every version served as tuned (no temperature fitted on labels), and
     * the retraining by coop+dor for 200 epochs on the same base classes only: no label of a new
     * class is tuned on.
     */
    static Loop openVocabulary() {
      return new Loop(
          0.05,
          0,
          2,
          200,
          16,
          4,
          0.02,
          0.01,
          30,
          true,
          TuningMethod.parse("coop"),
          200,
          64,
          false,
          RetrainClasses.VERSION_BASE,
          TextDivergenceRule.defaults(),
          ConfidenceLiftRule.DEFAULT_THRESHOLD,
          EceAlertRule.Reference.ZERO_SHOT);
    }

    /** This loop with another ECE threshold and number of consecutive windows for an alert. */
    Loop withAlertRule(double threshold, int windows, EceAlertRule.Reference reference) {
      return with(
          threshold, windows, initialMethod, initialEpochs, textRule, liftThreshold, reference);
    }

    /** This loop with other label-free warnings. */
    Loop withWarnings(TextDivergenceRule rule, double lift) {
      return with(
          eceThreshold, consecutiveWindows, initialMethod, initialEpochs, rule, lift, eceReference);
    }

    /** This loop with version 1 tuned by {@code method} for {@code epochs}. */
    Loop withBootstrap(TuningMethod method, int epochs) {
      return with(
          eceThreshold, consecutiveWindows, method, epochs, textRule, liftThreshold, eceReference);
    }

    private Loop with(
        double threshold,
        int windows,
        TuningMethod method,
        int firstEpochs,
        TextDivergenceRule rule,
        double lift,
        EceAlertRule.Reference reference) {
      return new Loop(
          threshold,
          minLabelled,
          windows,
          epochs,
          shots,
          minShots,
          maxAccuracyDrop,
          maxEceRise,
          minJudged,
          noiseGate,
          method,
          firstEpochs,
          trainImagesPerClass,
          posthocTemperature,
          retrainClasses,
          rule,
          lift,
          reference);
    }
  }

  /** What happens mid-run. */
  enum Scenario {
    /** Images get noisier and blurrier. */
    NOISE("noise"),
    /**
     * Traffic shifts from base classes (the tuned ones) to new classes, every class served from the
     * start.
     */
    NEW_CLASSES("new-classes"),
    /**
     * The paper's base-to-new protocol live: the deployment serves the base classes version 1 was
     * tuned on, then the operator's class set moves to the new classes and traffic follows.
     */
    OPEN_VOCABULARY("open-vocabulary");

    private final String flag;

    Scenario(String flag) {
      this.flag = flag;
    }

    /** The name on the command line and in the summary. */
    String flag() {
      return flag;
    }

    /** The scenario named {@code flag}, or null. */
    static Scenario of(String flag) {
      for (Scenario s : values()) {
        if (s.flag.equals(flag)) {
          return s;
        }
      }
      return null;
    }
  }

  /**
   * When the change starts, from the start of traffic: at two fifths of the run, at a quarter in
   * the open-vocabulary scenario (a retraining of 200 epochs needs the time after it).
   */
  Duration driftAt() {
    return scenario == Scenario.OPEN_VOCABULARY
        ? duration.dividedBy(4)
        : duration.multipliedBy(2).dividedBy(5);
  }

  /** Labels arrive between a tenth and a third of a window after their event; 10% never do. */
  LabelPlan labelPlan() {
    return new LabelPlan(0.9, window.dividedBy(10), window.dividedBy(3), seed);
  }
}
