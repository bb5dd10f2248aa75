package io.calmon.tuning;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one tuning run uses, validated once. Defaults are the paper's (DOR, arXiv 2410.02681,
 * on CoOp's setup): M = 4 context vectors from "a photo of a", SGD at 0.002 with a cosine schedule
 * after one warm-up epoch at 1e-5, batch 32, KgCoOp weight w = 8, DOR weight lambda = 8 with CoOp
 * and 2 otherwise, B = number of base classes. Unpublished for DOR and therefore only defaults:
 * epochs (50), SGD momentum 0.9 and weight decay 5e-4 (Dassl's, which CoOp uses).
 *
 * @param method the tuning method
 * @param nCtx number of context vectors M
 * @param ctxInit words whose token embeddings initialise the context (as many tokens as M), or null
 *     for random N(0, ctxInitStd)
 * @param ctxInitStd standard deviation of the random initialisation
 * @param template the hand-written template of the zero-shot features, with {@code {}}
 * @param epochs passes over the few-shot training set
 * @param batchSize images per step
 * @param lr peak learning rate
 * @param warmupEpochs epochs at the constant warm-up rate
 * @param warmupLr the warm-up rate
 * @param optimizer SGD or Adam
 * @param momentum SGD momentum
 * @param weightDecay L2 weight decay on the context
 * @param lambda DOR weight; NaN for the method's default
 * @param kgcoopWeight KgCoOp's w
 * @param outlierBatch outliers per step B; 0 for the number of base classes
 * @param seed seeds initialisation, shuffling and outlier draws
 * @param temperatureScaling whether to fit a temperature on base validation data after tuning
 * @param bins equal-width bins of the validation ECE
 */
public record TuningConfig(
    TuningMethod method,
    int nCtx,
    String ctxInit,
    double ctxInitStd,
    String template,
    int epochs,
    int batchSize,
    double lr,
    int warmupEpochs,
    double warmupLr,
    OptimizerKind optimizer,
    double momentum,
    double weightDecay,
    double lambda,
    double kgcoopWeight,
    int outlierBatch,
    long seed,
    boolean temperatureScaling,
    int bins) {

  public TuningConfig {
    if (method == null) {
      throw new IllegalArgumentException("method is required");
    }
    positive("n_ctx", nCtx);
    positive("batch_size", batchSize);
    positive("bins", bins);
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
    }
    if (warmupEpochs < 0) {
      throw new IllegalArgumentException("warmup_epochs must be >= 0, got " + warmupEpochs);
    }
    if (outlierBatch < 0) {
      throw new IllegalArgumentException("outlier_batch must be >= 0, got " + outlierBatch);
    }
    if (template == null || !template.contains("{}")) {
      throw new IllegalArgumentException("template must contain {}, got '" + template + "'");
    }
    if (ctxInit != null && ctxInit.isBlank()) {
      ctxInit = null;
    }
    nonNegative("ctx_init_std", ctxInitStd);
    nonNegative("lr", lr);
    nonNegative("warmup_lr", warmupLr);
    nonNegative("weight_decay", weightDecay);
    nonNegative("w", kgcoopWeight);
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    if (!Double.isNaN(lambda) && !(lambda >= 0)) {
      throw new IllegalArgumentException("lambda must be >= 0, got " + lambda);
    }
    if (optimizer == null) {
      throw new IllegalArgumentException("optimizer is required");
    }
  }

  /** The paper's defaults for {@code method}. */
  public static TuningConfig defaults(TuningMethod method) {
    return new TuningConfig(
        method,
        4,
        "a photo of a",
        0.02,
        "a photo of a {}.",
        50,
        32,
        0.002,
        1,
        1e-5,
        OptimizerKind.SGD,
        0.9,
        5e-4,
        Double.NaN,
        8.0,
        0,
        1,
        false,
        15);
  }

  /** The DOR weight in effect: the configured one, or the method's default. */
  public double effectiveLambda() {
    return Double.isNaN(lambda) ? method.defaultLambda() : lambda;
  }

  /** The outliers per step in effect for {@code baseClasses} base classes. */
  public int effectiveOutlierBatch(int baseClasses) {
    return outlierBatch == 0 ? baseClasses : outlierBatch;
  }

  /** The learning-rate schedule. */
  public LearningRateSchedule schedule() {
    return new LearningRateSchedule(lr, epochs, warmupEpochs, warmupLr);
  }

  /** The prompt of {@code name} under the template. */
  public String prompt(String name) {
    return template.replace("{}", name);
  }

  /** Every hyper-parameter by its key, for {@code PromptVersion.hyper_parameters}. */
  public Map<String, String> hyperParameters(int baseClasses) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("method", method.name());
    h.put("n_ctx", Integer.toString(nCtx));
    h.put("ctx_init", ctxInit == null ? "random" : ctxInit);
    h.put("ctx_init_std", Double.toString(ctxInitStd));
    h.put("template", template);
    h.put("epochs", Integer.toString(epochs));
    h.put("batch_size", Integer.toString(batchSize));
    h.put("lr", Double.toString(lr));
    h.put("warmup_epochs", Integer.toString(warmupEpochs));
    h.put("warmup_lr", Double.toString(warmupLr));
    h.put("optimizer", optimizer.name().toLowerCase(Locale.ROOT));
    h.put("momentum", Double.toString(momentum));
    h.put("weight_decay", Double.toString(weightDecay));
    if (method.dor()) {
      h.put("lambda", Double.toString(effectiveLambda()));
      h.put("outlier_batch", Integer.toString(effectiveOutlierBatch(baseClasses)));
    }
    if ("kgcoop".equals(method.host())) {
      h.put("w", Double.toString(kgcoopWeight));
    }
    h.put("seed", Long.toString(seed));
    h.put("temperature_scaling", Boolean.toString(temperatureScaling));
    return h;
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.method = method;
    b.nCtx = nCtx;
    b.ctxInit = ctxInit;
    b.ctxInitStd = ctxInitStd;
    b.template = template;
    b.epochs = epochs;
    b.batchSize = batchSize;
    b.lr = lr;
    b.warmupEpochs = warmupEpochs;
    b.warmupLr = warmupLr;
    b.optimizer = optimizer;
    b.momentum = momentum;
    b.weightDecay = weightDecay;
    b.lambda = lambda;
    b.kgcoopWeight = kgcoopWeight;
    b.outlierBatch = outlierBatch;
    b.seed = seed;
    b.temperatureScaling = temperatureScaling;
    b.bins = bins;
    return b;
  }

  /** A copy with another method (the harness runs one config for several methods). */
  public TuningConfig withMethod(TuningMethod m) {
    return toBuilder().method(m).build();
  }

  /** A copy with another seed. */
  public TuningConfig withSeed(long s) {
    return toBuilder().seed(s).build();
  }

  /** Sets fields by name; {@link #build()} validates. */
  public static final class Builder {
    private TuningMethod method;
    private int nCtx;
    private String ctxInit;
    private double ctxInitStd;
    private String template;
    private int epochs;
    private int batchSize;
    private double lr;
    private int warmupEpochs;
    private double warmupLr;
    private OptimizerKind optimizer;
    private double momentum;
    private double weightDecay;
    private double lambda;
    private double kgcoopWeight;
    private int outlierBatch;
    private long seed;
    private boolean temperatureScaling;
    private int bins;

    public Builder method(TuningMethod v) {
      this.method = v;
      return this;
    }

    public Builder nCtx(int v) {
      this.nCtx = v;
      return this;
    }

    public Builder ctxInit(String v) {
      this.ctxInit = v;
      return this;
    }

    public Builder ctxInitStd(double v) {
      this.ctxInitStd = v;
      return this;
    }

    public Builder template(String v) {
      this.template = v;
      return this;
    }

    public Builder epochs(int v) {
      this.epochs = v;
      return this;
    }

    public Builder batchSize(int v) {
      this.batchSize = v;
      return this;
    }

    public Builder lr(double v) {
      this.lr = v;
      return this;
    }

    public Builder warmupEpochs(int v) {
      this.warmupEpochs = v;
      return this;
    }

    public Builder warmupLr(double v) {
      this.warmupLr = v;
      return this;
    }

    public Builder optimizer(OptimizerKind v) {
      this.optimizer = v;
      return this;
    }

    public Builder momentum(double v) {
      this.momentum = v;
      return this;
    }

    public Builder weightDecay(double v) {
      this.weightDecay = v;
      return this;
    }

    public Builder lambda(double v) {
      this.lambda = v;
      return this;
    }

    public Builder kgcoopWeight(double v) {
      this.kgcoopWeight = v;
      return this;
    }

    public Builder outlierBatch(int v) {
      this.outlierBatch = v;
      return this;
    }

    public Builder seed(long v) {
      this.seed = v;
      return this;
    }

    public Builder temperatureScaling(boolean v) {
      this.temperatureScaling = v;
      return this;
    }

    public Builder bins(int v) {
      this.bins = v;
      return this;
    }

    /**
     * The validated configuration.
     *
     * @throws IllegalArgumentException naming the bad key and value
     */
    public TuningConfig build() {
      return new TuningConfig(
          method,
          nCtx,
          ctxInit,
          ctxInitStd,
          template,
          epochs,
          batchSize,
          lr,
          warmupEpochs,
          warmupLr,
          optimizer,
          momentum,
          weightDecay,
          lambda,
          kgcoopWeight,
          outlierBatch,
          seed,
          temperatureScaling,
          bins);
    }
  }

  private static void positive(String key, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(key + " must be > 0, got " + value);
    }
  }

  private static void nonNegative(String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(key + " must be a finite value >= 0, got " + value);
    }
  }
}
