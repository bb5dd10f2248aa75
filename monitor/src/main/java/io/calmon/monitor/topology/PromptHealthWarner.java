package io.calmon.monitor.topology;

import io.calmon.monitor.alerting.TextDivergenceRule;
import io.calmon.schemas.Alert;
import io.calmon.schemas.PromptHealth;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs the {@link TextDivergenceRule} over the scorers' prompt-health measures: keeps each
 * deployment's latest measure in a state store, evaluates only a newer one (the other scorers'
 * copies and replays are dropped), tells the listener (metrics) and forwards the warning, if any,
 * keyed by deployment.
 */
final class PromptHealthWarner implements Processor<String, PromptHealth, String, Alert> {
  private final TextDivergenceRule rule;
  private final MonitorListener listener;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, PromptHealth> latest;

  PromptHealthWarner(TextDivergenceRule rule, MonitorListener listener) {
    this.rule = rule;
    this.listener = listener;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.latest = context.getStateStore(MonitorTopology.PROMPT_HEALTH_STORE);
  }

  @Override
  public void process(Record<String, PromptHealth> record) {
    PromptHealth health = record.value();
    String deployment = health.getDeployment();
    if (!TextDivergenceRule.supersedes(latest.get(deployment), health)) {
      return;
    }
    latest.put(deployment, health);
    listener.onPromptHealth(health);
    rule.evaluate(health)
        .ifPresent(alert -> context.forward(new Record<>(deployment, alert, record.timestamp())));
  }
}
