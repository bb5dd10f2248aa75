package io.calmon.monitor.topology;

import io.calmon.monitor.alerting.ConfidenceLiftRule;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationReport;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs the {@link ConfidenceLiftRule} over every report, provisional or final, and forwards its
 * warning, keyed by deployment, once per (deployment, prompt version): the report's group key is
 * kept in a state store when it warns, and later reports of that key are not evaluated.
 */
final class LiftWarner implements Processor<String, CalibrationReport, String, Alert> {
  private final ConfidenceLiftRule rule;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, Long> warned;

  LiftWarner(ConfidenceLiftRule rule) {
    this.rule = rule;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.warned = context.getStateStore(MonitorTopology.LIFT_WARNING_STORE);
  }

  @Override
  public void process(Record<String, CalibrationReport> record) {
    CalibrationReport report = record.value();
    String key = GroupKey.of(report).toString();
    if (warned.get(key) != null) {
      return;
    }
    rule.evaluate(report)
        .ifPresent(
            alert -> {
              warned.put(key, report.getWindowEnd().toEpochMilli());
              context.forward(new Record<>(alert.getDeployment(), alert, record.timestamp()));
            });
  }
}
