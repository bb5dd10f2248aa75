package io.calmon.monitor.topology;

import io.calmon.monitor.alerting.AlertPolicy;
import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.RetrainRequest;
import io.calmon.schemas.state.AlertStreak;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs the {@link AlertPolicy} over final reports, keeping each (deployment, group)'s streak in a
 * state store, and forwards alerts keyed by deployment.
 */
final class AlertEmitter implements Processor<String, CalibrationReport, String, Alert> {
  private final AlertPolicy policy;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, AlertStreak> streaks;

  AlertEmitter(AlertPolicy policy) {
    this.policy = policy;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.streaks = context.getStateStore(MonitorTopology.STREAK_STORE);
  }

  @Override
  public void process(Record<String, CalibrationReport> record) {
    CalibrationReport report = record.value();
    String key = GroupKey.of(report).streakKey();
    AlertPolicy.Outcome outcome = policy.evaluate(streaks.get(key), report);
    streaks.put(key, outcome.state());
    outcome
        .alert()
        .ifPresent(
            alert ->
                context.forward(new Record<>(alert.getDeployment(), alert, record.timestamp())));
  }

  /**
   * The retraining request an ECE alert asks for; its id is derived from the alert's, and its
   * evidence starts where the alert's earliest evidence window does.
   */
  static RetrainRequest retrainRequest(Alert alert) {
    String identity = "retrain|" + alert.getAlertId();
    Instant evidenceFrom =
        alert.getEvidence().stream()
            .map(CalibrationReport::getWindowStart)
            .min(Instant::compareTo)
            .orElse(null);
    return RetrainRequest.newBuilder()
        .setRequestId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)))
        .setDeployment(alert.getDeployment())
        .setRequestedAt(alert.getRaisedAt())
        .setCurrentPromptVersion(alert.getPromptVersion())
        .setReason(alert.getMessage())
        .setAlertId(alert.getAlertId())
        .setEvidenceFrom(evidenceFrom)
        .build();
  }
}
