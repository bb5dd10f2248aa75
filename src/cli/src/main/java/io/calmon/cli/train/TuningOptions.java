package io.calmon.cli.train;

import io.calmon.cli.UserError;
import io.calmon.tuning.OptimizerKind;
import io.calmon.tuning.TuningConfig;
import io.calmon.tuning.TuningMethod;
import picocli.CommandLine.Option;

/** Flags shared by {@code train} and {@code eval base2new}: every tuning hyper-parameter. */
public final class TuningOptions {
  @Option(
      names = "--template",
      defaultValue = "a photo of a {}.",
      description = "Zero-shot template (default: ${DEFAULT-VALUE}).")
  String template;

  @Option(names = "--n-ctx", defaultValue = "4", description = "Context vectors M (default: 4).")
  int nCtx;

  @Option(
      names = "--ctx-init",
      defaultValue = "a photo of a",
      description =
          "Words initialising the context; 'random' for N(0, 0.02) (default: ${DEFAULT-VALUE}).")
  String ctxInit;

  @Option(names = "--epochs", defaultValue = "50", description = "Epochs (default: 50).")
  int epochs;

  @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: 32).")
  int batch;

  @Option(names = "--lr", defaultValue = "0.002", description = "Learning rate (default: 0.002).")
  double lr;

  @Option(
      names = "--warmup-epochs",
      defaultValue = "1",
      description = "Warm-up epochs at --warmup-lr (default: 1).")
  int warmupEpochs;

  @Option(
      names = "--warmup-lr",
      defaultValue = "1e-5",
      description = "Warm-up rate (default: 1e-5).")
  double warmupLr;

  @Option(
      names = "--optimizer",
      defaultValue = "sgd",
      description = "sgd or adam (tiny world models need adam) (default: sgd).")
  String optimizer;

  @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: 0.9).")
  double momentum;

  @Option(
      names = "--weight-decay",
      defaultValue = "5e-4",
      description = "Weight decay (default: 5e-4).")
  double weightDecay;

  @Option(names = "--lambda", description = "DOR weight (default: 8 with coop, 2 otherwise).")
  Double lambda;

  @Option(names = "--w", defaultValue = "8", description = "KgCoOp weight (default: 8).")
  double w;

  @Option(
      names = "--outlier-batch",
      defaultValue = "0",
      description = "Outliers per step B; 0 = number of base classes (default: 0).")
  int outlierBatch;

  @Option(
      names = "--pool-size",
      defaultValue = "5000",
      description = "Outlier pool size K (default: 5000).")
  int poolSize;

  @Option(
      names = "--temperature-scaling",
      description = "Fit a temperature on base validation data.")
  boolean temperatureScaling;

  @Option(names = "--bins", defaultValue = "15", description = "ECE bins (default: 15).")
  int bins;

  /** The validated configuration for {@code method} and {@code seed}. */
  TuningConfig config(String method, long seed) {
    try {
      return TuningConfig.defaults(TuningMethod.parse(method)).toBuilder()
          .template(template)
          .nCtx(nCtx)
          .ctxInit("random".equals(ctxInit) ? null : ctxInit)
          .epochs(epochs)
          .batchSize(batch)
          .lr(lr)
          .warmupEpochs(warmupEpochs)
          .warmupLr(warmupLr)
          .optimizer(OptimizerKind.parse(optimizer))
          .momentum(momentum)
          .weightDecay(weightDecay)
          .lambda(lambda == null ? Double.NaN : lambda)
          .kgcoopWeight(w)
          .outlierBatch(outlierBatch)
          .seed(seed)
          .temperatureScaling(temperatureScaling)
          .bins(bins)
          .build();
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
  }
}
