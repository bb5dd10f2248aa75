package io.calmon.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.calmon.monitor.alerting.EceAlertRule;
import io.calmon.service.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class MonitorSettingsTest {

  @Test
  void shouldDefaultToTheTopologyDefaultsAndAnApplicationIdPerPrefix() {
    MonitorSettings plain = MonitorSettings.from(MonitorSettings.definitions().build());
    assertEquals(MonitorConfig.defaults(), plain.monitor());
    assertEquals("calmon-monitor-all", plain.applicationId());
    assertEquals(
        Path.of(System.getProperty("user.home"), ".calmon", "state", "calmon-monitor-all"),
        plain.stateDir());
    assertEquals(Duration.ofMillis(100), plain.commitInterval());
    assertEquals(0, plain.metricsPort());

    MonitorSettings prefixed =
        MonitorSettings.from(MonitorSettings.definitions().flag("prefix", "staging-").build());
    assertEquals("calmon-monitor-staging", prefixed.applicationId());
    assertEquals("staging-predictions", prefixed.topics().predictions().name());
  }

  @Test
  void shouldKeepTheLocalStateOfEachKafkaClusterInItsOwnDirectory() {
    // Stores restored from one cluster's changelogs must never be taken for another's whose
    // offsets happen to match (a fresh broker behind the same address).
    MonitorService service =
        new MonitorService(
            MonitorSettings.from(
                MonitorSettings.definitions().flag("state-dir", "/srv/m").build()));
    Object a = service.streamsProperties("cluster-a").get(StreamsConfig.STATE_DIR_CONFIG);
    Object b = service.streamsProperties("cluster-b").get(StreamsConfig.STATE_DIR_CONFIG);
    assertEquals(Path.of("/srv/m", "cluster-a").toString(), a);
    assertEquals(Path.of("/srv/m", "cluster-b").toString(), b);
  }

  @Test
  void shouldWatchTheGroupsNamedInAlertGroups() {
    MonitorSettings all =
        MonitorSettings.from(
            MonitorSettings.definitions()
                .flag("alert-groups", "all, NEW,true-base")
                .flag("min-labelled", 7)
                .build());
    assertEquals(
        Set.of(ReportGroup.ALL, ReportGroup.NEW, ReportGroup.TRUE_BASE),
        all.monitor().rules().keySet());
    assertEquals(7, all.monitor().rules().get(ReportGroup.ALL).minLabelled());
    MonitorSettings none =
        MonitorSettings.from(MonitorSettings.definitions().flag("alert-groups", "none").build());
    assertEquals(Set.of(), none.monitor().rules().keySet());
    MonitorSettings defaults = MonitorSettings.from(MonitorSettings.definitions().build());
    assertEquals(
        Set.of(ReportGroup.TRUE_BASE, ReportGroup.TRUE_NEW),
        defaults.monitor().rules().keySet(),
        "by default the ECE rule reads images of base and of new classes (the paper's groups)");
  }

  @Test
  void shouldNameTheKeyOfEachBadValue() {
    assertEquals("alert-groups", keyOf("alert-groups", "base,old"));
    assertEquals("prefix", keyOf("prefix", "bad prefix"));
    assertEquals("application-id", keyOf("application-id", "a/b"));
    assertEquals("label-delay", keyOf("label-delay", "-1s"));
    assertEquals("metrics-port", keyOf("metrics-port", "70000"));
    assertEquals("require-ci-above-threshold", keyOf("require-ci-above-threshold", "yes"));
    assertEquals("window-advance", keyOf("window-advance", "2h"));
    assertEquals("text-divergence-ratio", keyOf("text-divergence-ratio", "0"));
    assertEquals("text-divergence-ratio", keyOf("text-divergence-ratio", "often"));
    assertEquals("confidence-lift-threshold", keyOf("confidence-lift-threshold", "1.5"));
    assertEquals("ece-reference", keyOf("ece-reference", "baseline"));
    assertEquals("confidence-lift-threshold", keyOf("confidence-lift-threshold", "high"));
    assertEquals("confidence-lift-min-predictions", keyOf("confidence-lift-min-predictions", "0"));
  }

  @Test
  void shouldMeasureEceFromZeroShotWhenAsked() {
    assertEquals(
        EceAlertRule.Reference.NONE,
        MonitorSettings.from(MonitorSettings.definitions().build())
            .monitor()
            .rules()
            .get(ReportGroup.TRUE_NEW)
            .reference());
    MonitorSettings relative =
        MonitorSettings.from(
            MonitorSettings.definitions().flag("ece-reference", "zero-shot").build());
    assertEquals(
        EceAlertRule.Reference.ZERO_SHOT,
        relative.monitor().rules().get(ReportGroup.TRUE_NEW).reference());
  }

  @Test
  void shouldWarnOnConfidenceLiftAtTheDefaultThresholdUnlessTurnedOff() {
    MonitorSettings defaults = MonitorSettings.from(MonitorSettings.definitions().build());
    assertEquals(0.05, defaults.monitor().liftRule().threshold());
    assertEquals(100, defaults.monitor().liftRule().minPredictions());
    MonitorSettings off =
        MonitorSettings.from(
            MonitorSettings.definitions()
                .flag("confidence-lift-threshold", "off")
                .flag("confidence-lift-min-predictions", "40")
                .build());
    assertEquals(false, off.monitor().liftRule().isOn());
    assertEquals(40, off.monitor().liftRule().minPredictions());
  }

  @Test
  void shouldWarnOnTextDivergenceAtTheDefaultRatioUnlessTurnedOff() {
    MonitorSettings defaults = MonitorSettings.from(MonitorSettings.definitions().build());
    assertEquals(1.1, defaults.monitor().textRule().ratioThreshold());
    MonitorSettings off =
        MonitorSettings.from(
            MonitorSettings.definitions().flag("text-divergence-ratio", "off").build());
    assertEquals(false, off.monitor().textRule().isOn());
  }

  private static String keyOf(String key, String value) {
    return assertThrows(
            ConfigException.class,
            () -> MonitorSettings.from(MonitorSettings.definitions().flag(key, value).build()))
        .key();
  }
}
