package io.calmon.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.broker.testing.CommittedRecords;
import io.calmon.clip.ClipModel;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.monitor.alerting.ConfidenceLiftRule;
import io.calmon.monitor.alerting.EceAlertRule;
import io.calmon.monitor.alerting.TextDivergenceRule;
import io.calmon.schemas.Alert;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.RetrainRequest;
import io.calmon.trainer.service.TrainerSettings;
import io.calmon.tuning.TuningMethod;
import io.calmon.world.DefaultModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole demo at tiny sizes (issue 7): its own embedded broker, the trainer, two scorers, the
 * monitor and world traffic that drifts to new classes, all for real, on the shipped world model.
 *
 * <p>The alert must not depend on how good that model is, so the loop's knobs make it certain: an
 * ECE threshold of 10^-6 (a window's ECE is below it only if every bin's accuracy equals its mean
 * confidence almost exactly), no interval or noise-floor gate (on 5 labels the noise floor is tens
 * of percent), one window with 5 labels is enough, and the publish gate is open (no margins, no
 * minimum of held-out examples). So the test does not claim that the drift causes the alert (that
 * is the model's and the scenario's business); it checks that the loop closes through Kafka: an
 * alert, its retrain request, prompt version 2 tuned for that request on top of version 1, served
 * by the scorers; and that every image event gets exactly one committed prediction.
 */
class DemoRunIT {

  /** How long traffic may run on after the scenario's duration waiting for version 2's traffic. */
  private static final Duration OVERTIME = Duration.ofMinutes(3);

  /** Patience for reading the topics back; the run has waited for its predictions already. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /**
   * The Kafka cluster the demo runs on: null here (the demo starts its embedded broker, as {@code
   * calmon demo} does), a container in {@link DemoRunContainerIT} (as {@code --bootstrap-servers}).
   */
  static String bootstrapServers;

  @TempDir Path dir;

  @Test
  void shouldCloseTheLoopAndScoreEveryEventExactlyOnce() throws Exception {
    DemoSettings settings =
        certainLoop(
            Duration.ofSeconds(12),
            DemoSettings.Scenario.NEW_CLASSES,
            7,
            DemoSettings.Loop.RETRAINING_METHOD,
            4,
            true,
            TrainerSettings.RetrainClasses.READY);
    Path model = DefaultModel.path();
    PrintWriter out = new PrintWriter(System.out, true);
    try (ClipModel clip = ClipModel.load(model);
        DemoRun run = new DemoRun(settings, clip, model, out)) {
      DemoSummary summary = run.run(DemoRunIT::noRetrainedTrafficYet, OVERTIME);
      Map<String, Object> f = summary.fields();

      long events = (Long) f.get("events_produced");
      assertTrue(events > 0, "no traffic: " + f);
      assertEquals(0, summary.lost(), "events without a prediction: " + f);
      assertEquals(events, f.get("distinct_predicted_events"), f.toString());
      assertEquals(events, f.get("predictions"), f.toString());
      assertEquals(0L, f.get("duplicate_predictions"), f.toString());
      assertTrue((Long) f.get("alerts") >= 1, "no alert: " + f);
      assertTrue((Long) f.get("retrain_requests") >= 1, "no retrain request: " + f);
      assertTrue(((List<?>) f.get("prompt_versions")).size() >= 2, "no retrained version: " + f);
      assertTrue(afterTheDriftStarted(f) > 0, "the drift never started: " + f);
      assertTrue(Files.size(settings.summaryJson()) > 0);
      assertTrue(Files.size(settings.reportHtml()) > 0);

      // The same from the topics themselves, as any read_committed consumer sees them.
      String bootstrap = run.bootstrapServers();
      List<Prediction> predictions =
          readAll(bootstrap, run.topics().predictions().name(), Prediction.class);
      Set<String> ids = new HashSet<>();
      predictions.forEach(p -> ids.add(p.getEventId()));
      assertEquals(events, ids.size(), "distinct event ids of the committed predictions");
      assertEquals(ids.size(), predictions.size(), "committed predictions");

      Map<Long, PromptVersion> versions = new HashMap<>();
      for (PromptVersion v :
          readAll(bootstrap, run.topics().promptVersions().name(), PromptVersion.class)) {
        versions.put(v.getVersion(), v);
      }
      assertTrue(versions.keySet().containsAll(List.of(1L, 2L)), "versions " + versions.keySet());
      assertNull(versions.get(1L).getParentVersion(), "version 1 is the bootstrap");
      PromptVersion retrained = versions.get(2L);
      assertEquals(1L, retrained.getParentVersion(), "version 2's parent");

      Map<String, RetrainRequest> requests = new HashMap<>();
      for (RetrainRequest r :
          readAll(bootstrap, run.topics().retrainRequests().name(), RetrainRequest.class)) {
        requests.put(r.getRequestId().toString(), r);
      }
      RetrainRequest trigger = requests.get(retrained.getTriggerId());
      assertTrue(
          trigger != null,
          "version 2's trigger " + retrained.getTriggerId() + " is not in " + requests.keySet());
      assertEquals(1L, trigger.getCurrentPromptVersion(), "the request was about version 1");
      // The monitor says where its evidence starts, and the trainer says which held-out examples
      // judged the new version (those from then on, or the newest after waiting for them).
      assertTrue(trigger.getEvidenceFrom() != null, "the request names no evidence: " + trigger);
      String heldOutFrom = retrained.getHyperParameters().get("heldout_from");
      assertTrue(
          heldOutFrom != null
              && (heldOutFrom.equals("evidence start " + trigger.getEvidenceFrom())
                  || heldOutFrom.startsWith("newest (")),
          "held-out examples: " + heldOutFrom);
      Set<String> alerts = new HashSet<>();
      readAll(bootstrap, run.topics().calibrationAlerts().name(), Alert.class)
          .forEach(a -> alerts.add(a.getAlertId().toString()));
      assertTrue(
          alerts.contains(trigger.getAlertId().toString()),
          "the request's alert " + trigger.getAlertId() + " is not in " + alerts);

      assertTrue(
          predictions.stream().anyMatch(p -> p.getPromptVersion() == 2),
          "no prediction was scored with version 2");
    }
  }

  /**
   * The open-vocabulary scenario closes the loop the paper's way: the class set moves from the base
   * classes to the new ones, scorers follow it, an alert on the new classes (by true class) asks
   * for a retraining, and the retrained version is tuned on version 1's base classes alone and
   * served as tuned; the summary puts zero-shot's figures beside each version's.
   */
  @Test
  @SuppressWarnings("unchecked")
  void shouldMoveTheClassSetToTheNewClassesAndRetrainOnTheBaseClassesOnly() throws Exception {
    DemoSettings settings =
        certainLoop(
            Duration.ofSeconds(16),
            DemoSettings.Scenario.OPEN_VOCABULARY,
            1,
            TuningMethod.parse("coop"),
            8,
            false,
            TrainerSettings.RetrainClasses.VERSION_BASE);
    Path model = DefaultModel.path();
    PrintWriter out = new PrintWriter(System.out, true);
    try (ClipModel clip = ClipModel.load(model);
        DemoRun run = new DemoRun(settings, clip, model, out)) {
      DemoSummary summary = run.run(DemoRunIT::noRetrainedTrafficYet, OVERTIME);
      Map<String, Object> f = summary.fields();
      assertEquals(0, summary.lost(), "events without a prediction: " + f);
      assertEquals(0L, f.get("duplicate_predictions"), f.toString());
      assertEquals("open-vocabulary", f.get("scenario"));

      String bootstrap = run.bootstrapServers();
      Map<Long, ClassSet> classSets = new HashMap<>();
      readAll(bootstrap, run.topics().classSets().name(), ClassSet.class)
          .forEach(c -> classSets.put(c.getVersion(), c));
      assertEquals(Set.of(1L, 2L), classSets.keySet(), "the class set moved once");
      Set<String> base = new HashSet<>(classSets.get(1L).getClassNames());
      Set<String> fresh = new HashSet<>(classSets.get(2L).getClassNames());
      assertTrue(Collections.disjoint(base, fresh), "class set 2 holds only new classes");
      List<Prediction> predictions =
          readAll(bootstrap, run.topics().predictions().name(), Prediction.class);
      for (Prediction p : predictions) {
        Set<String> served = p.getClassSetVersion() == 1 ? base : fresh;
        assertTrue(served.contains(p.getPredictedClass()), "scored against its class set: " + p);
      }
      assertTrue(
          predictions.stream().anyMatch(p -> p.getClassSetVersion() == 2),
          "the scorers never served class set 2");

      Map<Long, PromptVersion> versions = new HashMap<>();
      readAll(bootstrap, run.topics().promptVersions().name(), PromptVersion.class)
          .forEach(v -> versions.put(v.getVersion(), v));
      PromptVersion first = versions.get(1L);
      PromptVersion retrained = versions.get(2L);
      assertEquals("coop", first.getMethod());
      assertEquals(base, new HashSet<>(first.getBaseClasses()), "version 1 tuned on the base");
      assertEquals("coop+dor", retrained.getMethod());
      // Tuned on version 1's base classes that have labelled shots (a short run may miss one):
      // no new class is learned.
      assertTrue(
          !retrained.getBaseClasses().isEmpty() && base.containsAll(retrained.getBaseClasses()),
          "retrained on " + retrained.getBaseClasses());
      assertEquals(1.0, retrained.getTemperature(), "served as tuned");

      List<Map<String, Object>> alerts = (List<Map<String, Object>>) f.get("alert_list");
      assertTrue(
          alerts.stream().anyMatch(a -> "true-new".equals(a.get("group"))),
          "no alert on the new classes: " + alerts);
      // Every labelled new-class event is in some version's new group, zero-shot's beside it.
      long newLabels = 0;
      for (Map<String, Object> v : (List<Map<String, Object>>) f.get("prompt_versions")) {
        Map<String, Object> g =
            (Map<String, Object>) ((Map<String, Object>) v.get("groups")).get("new");
        Map<String, Object> zeroShot = (Map<String, Object>) g.get("zero_shot");
        assertEquals(g.get("labels"), zeroShot.get("labels"), "the same events: " + v);
        newLabels += (Long) g.get("labels");
        if ((Long) g.get("predictions") > 0) {
          // Every prediction carried the template's probability of its class: a lift, no label.
          assertTrue(g.get("confidence_lift") != null, "no confidence lift: " + v);
        }
      }
      assertTrue(newLabels > 0, "no version was measured on new classes: " + f);
      Map<String, Object> times = (Map<String, Object>) f.get("times");
      assertTrue(times.get("change_seconds") != null && times.get("first_alert_seconds") != null);
      assertTrue(Files.readString(settings.reportHtml()).contains("zero-shot ECE"));

      // The scorers measured each served (version, class set) from text alone; the monitor warned
      // (a threshold every pair of classes passes) on a version serving the new classes. Which
      // version served class set 2 first depends on timing: the loop may retrain before the move.
      List<Map<String, Object>> health = (List<Map<String, Object>>) f.get("prompt_health");
      List<Map<String, Object>> moved =
          health.stream().filter(h -> Long.valueOf(2).equals(h.get("class_set_version"))).toList();
      assertTrue(!moved.isEmpty(), "no health measured on class set 2: " + health);
      for (Map<String, Object> h : moved) {
        assertEquals(null, h.get("base"), "class set 2 serves no base class: " + h);
        assertEquals(
            fresh.size(), ((Map<String, Object>) h.get("new")).get("classes"), h.toString());
      }
      Set<Object> measuredVersions = new HashSet<>();
      moved.forEach(h -> measuredVersions.add(h.get("prompt_version")));
      assertTrue(
          alerts.stream()
              .anyMatch(
                  a ->
                      TextDivergenceRule.RULE.equals(a.get("rule"))
                          && measuredVersions.contains(a.get("prompt_version"))),
          "no label-free warning on a version serving the new classes: " + alerts);
      assertTrue(times.get("first_text_warning_seconds") != null, times.toString());
      List<PromptHealth> published =
          readAll(bootstrap, run.topics().promptHealth().name(), PromptHealth.class);
      assertTrue(
          published.stream().anyMatch(h -> h.getPromptVersion() == 2),
          "the retrained version was measured too: " + published);
    }
  }

  /**
   * A run whose alert and retraining do not depend on the model (see the class comment): 2 s
   * windows, 20 events a second, 2 epochs of tuning on 4 shots, an open publish gate.
   */
  private DemoSettings certainLoop(
      Duration duration,
      DemoSettings.Scenario scenario,
      long seed,
      TuningMethod firstMethod,
      int trainImagesPerClass,
      boolean posthocTemperature,
      TrainerSettings.RetrainClasses retrainClasses) {
    return new DemoSettings(
        duration,
        Duration.ofSeconds(2),
        20,
        scenario,
        seed,
        seed,
        null,
        bootstrapServers,
        KafkaClientConfig.none(),
        dir.resolve("summary.json"),
        dir.resolve("report.html"),
        new DemoSettings.Loop(
            1e-6,
            5,
            1,
            2,
            4,
            1,
            1,
            1,
            0,
            false,
            firstMethod,
            2,
            trainImagesPerClass,
            posthocTemperature,
            retrainClasses,
            new TextDivergenceRule(1e-9),
            ConfidenceLiftRule.DEFAULT_THRESHOLD,
            EceAlertRule.Reference.NONE));
  }

  /** Predictions the summary puts after the drift's start (either phase, base and new classes). */
  @SuppressWarnings("unchecked")
  private static long afterTheDriftStarted(Map<String, Object> summary) {
    Map<String, Map<String, Long>> perPhase =
        (Map<String, Map<String, Long>>) summary.get("predictions_per_phase");
    return perPhase.values().stream()
        .mapToLong(p -> p.get("during_drift") + p.get("after_retrain"))
        .sum();
  }

  /** Traffic goes on until the observer has seen a prediction scored by a retrained version. */
  private static boolean noRetrainedTrafficYet(DemoObserver observer) {
    return observer.predictionsByVersion().keySet().stream().noneMatch(v -> v >= 2);
  }

  private static <T extends SpecificRecord> List<T> readAll(
      String bootstrap, String topic, Class<T> type) {
    return CommittedRecords.all(bootstrap, topic, type, PATIENCE);
  }
}
