package io.calmon.tuning;

import io.calmon.schemas.PromptVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a tuning run: the learned context and what the run measured.
 *
 * @param config the configuration it ran with
 * @param classNames the base classes
 * @param ctx the learned context, {@code nCtx x ctxDim} row-major (the initial one for zero-shot)
 * @param ctxDim width of each context vector
 * @param temperature the fitted post-hoc temperature, or 1 when none was fitted
 * @param metrics validation and training metrics by name (fractions)
 * @param lossHistory mean total loss per epoch
 */
public record TuningResult(
    TuningConfig config,
    List<String> classNames,
    float[] ctx,
    int ctxDim,
    double temperature,
    Map<String, Double> metrics,
    List<Double> lossHistory) {

  /**
   * The serving record of this result.
   *
   * @param backboneId e.g. {@code openai/clip-vit-base-patch16}
   * @param weightsSha256 SHA-256 of the backbone's weights file
   */
  public PromptVersion toPromptVersion(
      String deployment, long version, String backboneId, String weightsSha256) {
    List<Float> values = new ArrayList<>(ctx.length);
    for (float v : ctx) {
      values.add(v);
    }
    Map<String, String> hp = new LinkedHashMap<>(config.hyperParameters(classNames.size()));
    Map<String, Double> m = new LinkedHashMap<>(metrics);
    return PromptVersion.newBuilder()
        .setDeployment(deployment)
        .setVersion(version)
        .setCreatedAt(Instant.now())
        .setMethod(config.method().name())
        .setHyperParameters(hp)
        .setBackboneId(backboneId)
        .setWeightsSha256(weightsSha256)
        .setTemplate(config.template())
        .setNCtx(config.nCtx())
        .setCtxDim(ctxDim)
        .setContextVectors(values)
        .setBaseClasses(new ArrayList<>(classNames))
        .setTemperature(config.temperatureScaling() ? temperature : null)
        .setMetrics(m)
        .build();
  }
}
