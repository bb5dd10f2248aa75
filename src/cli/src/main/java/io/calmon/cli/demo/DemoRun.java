package io.calmon.cli.demo;

import io.calmon.broker.EmbeddedKafkaBroker;
import io.calmon.cli.CliKafka;
import io.calmon.clip.ClipModel;
import io.calmon.kafka.CalmonTopics;
import io.calmon.kafka.KafkaClientConfig;
import io.calmon.kafka.TopicAdmin;
import io.calmon.monitor.MonitorConfig;
import io.calmon.monitor.MonitorService;
import io.calmon.monitor.MonitorSettings;
import io.calmon.monitor.ReportGroup;
import io.calmon.monitor.alerting.ConfidenceLiftRule;
import io.calmon.monitor.alerting.EceAlertRule;
import io.calmon.pretrain.TaskBand;
import io.calmon.schemas.ClassSet;
import io.calmon.scorer.ScorerConfig;
import io.calmon.scorer.ScorerService;
import io.calmon.trainer.service.TrainerService;
import io.calmon.trainer.service.TrainerSettings;
import io.calmon.tuning.OptimizerKind;
import io.calmon.tuning.TuningConfig;
import io.calmon.tuning.TuningProgress;
import io.calmon.world.TaskExporter;
import io.calmon.world.TrafficDrift;
import io.calmon.world.WorldClass;
import io.calmon.world.WorldConfig;
import io.calmon.world.WorldTask;
import io.calmon.world.WorldTraffic;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One demo run: starts everything, drives the scenario, prints status, writes the summary and the
 * report, and stops everything in reverse order (also on Ctrl-C, through {@link #close()}).
 */
final class DemoRun implements AutoCloseable {
  private static final Duration STATUS_EVERY = Duration.ofSeconds(2);
  private static final int BINS = 15;

  private final DemoSettings settings;
  private final ClipModel clip;
  private final Path modelDir;
  private final PrintWriter out;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final Set<String> sent = ConcurrentHashMap.newKeySet();
  private final DemoTimeline timeline = new DemoTimeline(BINS);
  private TaskBand.Drawn drawn; // null when the seed's task is taken as it is
  private volatile String bootstrapServers;
  private volatile CalmonTopics topics;

  DemoRun(DemoSettings settings, ClipModel clip, Path modelDir, PrintWriter out) {
    this.settings = settings;
    this.clip = clip;
    this.modelDir = modelDir;
    this.out = out;
  }

  /** Runs the scenario for the settings' duration; what it measured ({@code lost} 0: none lost). */
  DemoSummary run() throws Exception {
    return run(observer -> false, Duration.ZERO);
  }

  /**
   * Runs the scenario. Traffic runs for the settings' duration, then goes on while {@code
   * keepGoing} holds, for at most {@code overtime} more.
   */
  DemoSummary run(Predicate<DemoObserver> keepGoing, Duration overtime) throws Exception {
    Instant started = Instant.now();
    String bootstrap = settings.bootstrapServers();
    if (bootstrap == null) {
      say("starting the embedded Kafka broker");
      EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
      resources.add(broker);
      bootstrap = broker.bootstrapServers();
    }
    bootstrapServers = bootstrap;
    CalmonTopics topics = CalmonTopics.withPrefix("demo-" + started.getEpochSecond() + "-");
    this.topics = topics;
    try (TopicAdmin admin =
        TopicAdmin.connect(bootstrap, settings.kafka(), Duration.ofSeconds(30))) {
      admin.createAll(topics, 3, (short) 1);
    }
    say("topics created on " + bootstrap + " with prefix " + topics.prefix());

    boolean openVocabulary = settings.scenario() == DemoSettings.Scenario.OPEN_VOCABULARY;
    WorldTask task = WorldTask.defaultTask(settings.seed());
    if (settings.band() != null) {
      say("drawing world task " + settings.seed() + " in the zero-shot band " + settings.band());
      drawn =
          settings
              .band()
              .draw(
                  clip,
                  settings.seed(),
                  task.baseClasses().size(),
                  task.newClasses().size(),
                  task.style(),
                  WorldConfig.defaults(),
                  n -> say(n + " tasks drawn, none in the band yet"));
      task = drawn.task();
      say(drawn.describe(settings.band()));
    }
    Path work = Files.createTempDirectory("calmon-demo-");
    resources.add(() -> deleteTree(work));
    Path dataset = work.resolve("task");
    say(
        "exporting world task "
            + settings.seed()
            + " ("
            + task.classes().size()
            + " classes) for the first tuning");
    new TaskExporter(task, WorldConfig.defaults())
        .export(dataset, new TaskExporter.Sizes(settings.loop().trainImagesPerClass(), 4, 4));

    List<String> baseClasses = classes(task, false);
    List<String> newClasses = classes(task, true);
    if (openVocabulary) {
      publishClassSet(bootstrap, settings.kafka(), topics, 1, baseClasses);
      say("class set 1 published: the " + baseClasses.size() + " base classes");
    } else {
      List<String> all = task.classes().stream().map(WorldClass::name).toList();
      publishClassSet(bootstrap, settings.kafka(), topics, 1, all);
      say("class set published: " + all.size() + " classes (20 base, 20 new)");
    }

    MonitorService monitor = new MonitorService(monitorSettings(bootstrap, topics, work)).start();
    resources.add(monitor::stop);
    say("monitor running: " + settings.window().toSeconds() + " s windows");

    TrainerService trainer = new TrainerService(trainerSettings(bootstrap, topics, dataset), clip);
    resources.add(trainer);
    trainer.start();
    say(
        "trainer tuning prompt version 1 ("
            + settings.loop().initialMethod().name()
            + ", "
            + settings.loop().initialEpochs()
            + " epochs) on the task's base classes; retrainings use "
            + DemoSettings.Loop.RETRAINING_METHOD.name()
            + ", "
            + settings.loop().epochs()
            + " epochs");
    if (!trainer.awaitReady(Duration.ofMinutes(10))) {
      throw new IllegalStateException("the trainer published no prompt version within 10 minutes");
    }
    for (int i = 1; i <= 2; i++) {
      ScorerService scorer = new ScorerService(scorerConfig(bootstrap, topics, i), clip).start();
      resources.add(scorer);
    }
    say("two scorers running");

    DemoObserver observer = new DemoObserver(bootstrap, settings.kafka(), topics, timeline);
    resources.add(observer);
    Thread observing = start("calmon-demo-observer", observer);

    WorldTraffic steady =
        new WorldTraffic(
            task, WorldConfig.defaults(), settings.seed(), before(settings.scenario()));
    TrafficGenerator traffic =
        new TrafficGenerator(
            bootstrap,
            settings.kafka(),
            topics.imageEvents().name(),
            topics.labels().name(),
            "default",
            steady,
            settings.rate(),
            settings.labelPlan(),
            Clock.systemUTC(),
            (event, labelled) -> {
              sent.add(event.eventId());
              observer.expect(event.eventId(), event.trueClass(), event.newClass(), labelled);
            });
    resources.add(traffic);
    Thread producing = start("calmon-demo-traffic", traffic);

    Instant trafficStart = Instant.now();
    Instant driftAt = trafficStart.plus(settings.driftAt());
    Instant end = trafficStart.plus(settings.duration());
    Instant latest = end.plus(overtime);
    boolean drifted = false;
    DemoStatus status =
        new DemoStatus(out, timeline, observer, traffic, trainer, settings.scenario());
    while (Instant.now().isBefore(end)
        || (Instant.now().isBefore(latest) && keepGoing.test(observer))) {
      if (!drifted && !Instant.now().isBefore(driftAt)) {
        if (openVocabulary) {
          publishClassSet(bootstrap, settings.kafka(), topics, 2, newClasses);
        }
        traffic.setTraffic(steady.withDrift(after(settings.scenario())));
        observer.driftStarted(Instant.now());
        drifted = true;
        say(describe(settings.scenario()));
      }
      status.print(Duration.between(trafficStart, Instant.now()), drifted);
      Thread.sleep(STATUS_EVERY.toMillis());
    }
    traffic.close();
    producing.join(settings.window().toMillis() + 10_000);
    say(
        "traffic stopped after "
            + traffic.eventsSent()
            + " events; waiting for the last predictions");
    Instant patience = Instant.now().plusSeconds(60);
    while (observer.missing(sent) > 0 && Instant.now().isBefore(patience)) {
      Thread.sleep(500);
    }
    DemoSummary summary =
        DemoSummary.of(
            settings,
            modelDir,
            drawn,
            traffic,
            observer,
            timeline,
            trafficStart,
            observer.missing(sent));
    observer.close();
    observing.join(10_000);
    if (settings.summaryJson() != null) {
      summary.write(settings.summaryJson());
      say("summary written to " + settings.summaryJson());
    }
    Files.writeString(
        settings.reportHtml(),
        DemoReportHtml.render(
            summary, timeline, "calmon demo (" + settings.scenario().flag() + "), " + started));
    say("report written to " + settings.reportHtml());
    summary.print(out);
    return summary;
  }

  /** The Kafka cluster the run uses; null before {@link #run()} started it. */
  String bootstrapServers() {
    return bootstrapServers;
  }

  /** The run's topics (a fresh prefix); null before {@link #run()} created them. */
  CalmonTopics topics() {
    return topics;
  }

  /** The task's base (false) or new (true) class names. */
  private static List<String> classes(WorldTask task, boolean fresh) {
    return (fresh ? task.newClasses() : task.baseClasses()).stream().map(WorldClass::name).toList();
  }

  /**
   * Publishes the deployment's class set: every class of the task in the drift scenarios (scorers
   * serve the new ones zero-shot from the start and the monitor knows every label), the base
   * classes then the new ones in the open-vocabulary scenario.
   */
  private static void publishClassSet(
      String bootstrap,
      KafkaClientConfig kafka,
      CalmonTopics topics,
      long version,
      List<String> classNames)
      throws Exception {
    ClassSet classes =
        ClassSet.newBuilder()
            .setDeployment("default")
            .setVersion(version)
            .setCreatedAt(Instant.now())
            .setClassNames(classNames)
            .build();
    try (KafkaProducer<String, byte[]> producer = CliKafka.producer(bootstrap, kafka)) {
      producer
          .send(
              new ProducerRecord<>(
                  topics.classSets().name(),
                  "default",
                  kafka
                      .valueFormat()
                      .codec(ClassSet.class, topics.classSets().name())
                      .encode(classes)))
          .get();
    }
  }

  private MonitorSettings monitorSettings(String bootstrap, CalmonTopics topics, Path work) {
    Duration window = settings.window();
    DemoSettings.Loop loop = settings.loop();
    long perWindow = Math.round(settings.rate() * window.toSeconds() * 0.9);
    long minLabelled = loop.minLabelled() > 0 ? loop.minLabelled() : Math.max(20, perWindow / 4);
    EceAlertRule rule =
        new EceAlertRule(
            loop.eceThreshold(),
            minLabelled,
            loop.consecutiveWindows(),
            window.multipliedBy(6),
            loop.noiseGate(),
            loop.eceReference());
    MonitorConfig config =
        new MonitorConfig(
            window,
            window,
            window.dividedBy(3),
            window.dividedBy(5),
            BINS,
            20,
            200,
            Duration.ofMinutes(5),
            window.multipliedBy(3),
            Duration.ofSeconds(1),
            // The paper's split: by the label's class against the version's base classes.
            Map.of(ReportGroup.TRUE_BASE, rule, ReportGroup.TRUE_NEW, rule),
            loop.textRule(),
            new ConfidenceLiftRule(loop.liftThreshold(), minLabelled));
    return new MonitorSettings(
        bootstrap,
        settings.kafka(),
        "calmon-demo-monitor-" + topics.prefix(),
        topics,
        work.resolve("monitor-state"),
        (short) 1,
        3,
        (short) 1,
        "127.0.0.1",
        0,
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        Duration.ofMillis(200),
        config);
  }

  private TrainerSettings trainerSettings(String bootstrap, CalmonTopics topics, Path dataset) {
    TuningConfig tuning =
        TuningConfig.defaults(DemoSettings.Loop.RETRAINING_METHOD).toBuilder()
            .optimizer(OptimizerKind.ADAM)
            .lr(2e-3)
            .epochs(settings.loop().epochs())
            .seed(settings.tuningSeed())
            .build();
    return TrainerSettings.builder()
        .setBootstrapServers(bootstrap)
        .optKafka(settings.kafka())
        .setBackboneId(modelDir.getFileName().toString())
        .optTopics(topics)
        .optDataset(dataset)
        .optOutliers(dataset.resolve("outliers.txt"))
        .optTuning(tuning)
        .optInitialMethod(settings.loop().initialMethod())
        .optInitialEpochs(settings.loop().initialEpochs())
        .optCooldown(settings.window().multipliedBy(3))
        .optShots(settings.loop().shots())
        .optMinShots(settings.loop().minShots())
        .optMaxAccuracyDrop(settings.loop().maxAccuracyDrop())
        .optMaxEceRise(settings.loop().maxEceRise())
        .optMinJudged(settings.loop().minJudged())
        .optPosthocTemperature(settings.loop().posthocTemperature())
        .optRetrainClasses(settings.loop().retrainClasses())
        // Held-out examples newer than an alert's evidence arrive at ~2 a second at the default
        // rate; three windows are enough for the default 2 x 30 of them.
        .optEvidenceWait(settings.window().multipliedBy(3))
        .optProgress(
            TuningProgress.throttled(
                Duration.ofSeconds(10), TuningProgress.printingTo(out, "trainer")))
        .build();
  }

  private ScorerConfig scorerConfig(String bootstrap, CalmonTopics topics, int instance) {
    return ScorerConfig.builder()
        .setBootstrapServers(bootstrap)
        .optKafka(settings.kafka())
        .optTopics(topics)
        .optInstanceId("demo-scorer-" + instance)
        .build();
  }

  private static TrafficDrift before(DemoSettings.Scenario scenario) {
    return switch (scenario) {
      case NEW_CLASSES -> TrafficDrift.none().withNewClassShare(0.05);
      case NOISE -> TrafficDrift.none().withNewClassShare(0.5);
      case OPEN_VOCABULARY -> TrafficDrift.none().withNewClassShare(0.0);
    };
  }

  private static TrafficDrift after(DemoSettings.Scenario scenario) {
    return switch (scenario) {
      case NEW_CLASSES -> TrafficDrift.none().withNewClassShare(0.9);
      case NOISE -> TrafficDrift.none().withNewClassShare(0.5).withDegradation(0.15, 1.0);
      case OPEN_VOCABULARY -> TrafficDrift.none().withNewClassShare(1.0);
    };
  }

  private static String describe(DemoSettings.Scenario scenario) {
    return switch (scenario) {
      case NEW_CLASSES ->
          "drift: traffic shifts from tuned (base) classes to new classes, 5% -> 90%";
      case NOISE -> "drift: images get noisier and blurrier";
      case OPEN_VOCABULARY ->
          "class set 2 published: the 20 new classes, never tuned on; traffic follows";
    };
  }

  private void say(String line) {
    out.println("demo: " + line);
    out.flush();
  }

  private static Thread start(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Stops everything that was started, newest first; never throws. */
  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        out.println("demo: while stopping: " + e);
      }
    }
    resources.clear();
    out.flush();
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static String percent(double fraction) {
    return Double.isNaN(fraction) ? "  -  " : String.format(Locale.ROOT, "%4.1f%%", 100 * fraction);
  }
}
