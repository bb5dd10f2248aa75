package io.calmon.clip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter's AdamW), updating NDArrays in place.
 *
 * <p>DJL allows one {@code GradientCollector} per JVM at a time and its gradients accumulate across
 * collectors, so a training step is: forward and {@code backward} inside a collector, close it,
 * then {@link #step(float)} here, which updates every parameter from its gradient and zeroes the
 * gradient. Updates run outside the collector, so they are not recorded by autograd.
 *
 * <pre>{@code
 * try (AdamW adam = AdamW.builder().optWeightDecay(0.1f).build(model.manager(), params)) {
 *   for (int step = 0; step < steps; step++) {
 *     try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
 *       gc.backward(loss(batch(step)));
 *     }
 *     adam.step(schedule.rate(step));
 *   }
 * }
 * }</pre>
 */
public final class AdamW implements AutoCloseable {

  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final float weightDecay;
  private final List<NDArray> parameters = new ArrayList<>();
  private final List<Boolean> decayed = new ArrayList<>();
  private final List<Float> rateScales = new ArrayList<>();
  private final List<NDArray> firstMoments = new ArrayList<>();
  private final List<NDArray> secondMoments = new ArrayList<>();
  private final NDManager state;
  private final float clipNorm;
  private int steps;

  private AdamW(Builder b, NDManager manager, Map<String, NDArray> named) {
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.epsilon = b.epsilon;
    this.weightDecay = b.weightDecay;
    this.clipNorm = b.clipNorm;
    this.state = manager.newSubManager();
    for (Map.Entry<String, NDArray> e : named.entrySet()) {
      NDArray p = e.getValue();
      if (!p.hasGradient()) {
        throw new IllegalArgumentException(
            "parameter " + e.getKey() + " has no gradient attached (setRequiresGradient(true))");
      }
      parameters.add(p);
      decayed.add(b.decay.test(e.getKey()) && p.getShape().dimension() >= 2);
      rateScales.add(b.rateScales.getOrDefault(e.getKey(), 1f));
      firstMoments.add(state.zeros(p.getShape(), p.getDataType()));
      secondMoments.add(state.zeros(p.getShape(), p.getDataType()));
    }
  }

  /** A builder with CLIP's pretraining defaults: betas 0.9/0.98, epsilon 1e-6, decay 0.1. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * One update of every parameter from its gradient, then the gradient is zeroed. Gradients are
   * first scaled down to the clipping norm if their global L2 norm exceeds it; if the norm is not
   * finite (a NaN or an overflow somewhere), nothing is updated and the step is skipped.
   *
   * @param learningRate this step's rate (see {@link CosineSchedule})
   * @return the global gradient norm before clipping (not finite: the step was skipped)
   */
  public float step(float learningRate) {
    float norm = gradientNorm();
    if (!Float.isFinite(norm)) {
      zeroGradients();
      return norm;
    }
    float clip = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1f;
    steps++;
    float correction1 = 1f - (float) Math.pow(beta1, steps);
    float correction2 = 1f - (float) Math.pow(beta2, steps);
    for (int i = 0; i < parameters.size(); i++) {
      float rate = learningRate * rateScales.get(i);
      float stepSize = rate / correction1;
      NDArray p = parameters.get(i);
      NDArray m = firstMoments.get(i);
      NDArray v = secondMoments.get(i);
      try (NDManager scope = state.newSubManager()) {
        NDArray g = p.getGradient();
        g.attach(scope);
        if (clip != 1f) {
          g.muli(clip);
        }
        m.muli(beta1).addi(g.mul(1f - beta1));
        v.muli(beta2).addi(g.square().muli(1f - beta2));
        // Decoupled decay: shrink the weight directly, not through the gradient.
        if (decayed.get(i)) {
          p.muli(1f - rate * weightDecay);
        }
        // Arrays computed from the moments belong to the moments' (long-lived) manager unless
        // moved into this step's scope: left there they added ~20 MB a step for the world model.
        NDArray scaled = v.div(correction2);
        scaled.attach(scope);
        NDArray denominator = scaled.sqrt().addi(epsilon); // in scope, as scaled

        NDArray update = m.div(denominator);
        update.attach(scope);
        p.subi(update.muli(stepSize));
        g.subi(g); // gradients accumulate across collectors
      }
    }
    return norm;
  }

  private float gradientNorm() {
    double sum = 0;
    try (NDManager scope = state.newSubManager()) {
      for (NDArray p : parameters) {
        NDArray g = p.getGradient();
        g.attach(scope);
        sum += g.square().sum().getFloat();
      }
    }
    return (float) Math.sqrt(sum);
  }

  private void zeroGradients() {
    try (NDManager scope = state.newSubManager()) {
      for (NDArray p : parameters) {
        NDArray g = p.getGradient();
        g.attach(scope);
        g.set( // not g * 0: NaN * 0 is NaN
            new NDIndex("..."), 0f);
      }
    }
  }

  /** The manager of the moment estimates (for tests: it must not grow from step to step). */
  NDManager state() {
    return state;
  }

  /** Updates taken so far (skipped steps not counted). */
  public int steps() {
    return steps;
  }

  /** Frees the moment estimates. */
  @Override
  public void close() {
    state.close();
  }

  /** Hyper-parameters; every setter is optional, {@link #build} validates. */
  public static final class Builder {
    private float beta1 = 0.9f;
    private float beta2 = 0.98f;
    private float epsilon = 1e-6f;
    private float weightDecay = 0.1f;
    private Predicate<String> decay = name -> true;
    private float clipNorm = 0f;
    private final Map<String, Float> rateScales = new LinkedHashMap<>();

    private Builder() {}

    /** First and second moment decay rates, each in [0, 1). */
    public Builder optBetas(float beta1, float beta2) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      return this;
    }

    /** Added to the denominator, > 0. */
    public Builder optEpsilon(float epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    /** Decoupled weight decay per unit learning rate, >= 0. */
    public Builder optWeightDecay(float weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    /**
     * Which parameters (by name) are decayed; vectors and scalars (gains, biases) never are. CLIP
     * also exempts embeddings.
     */
    public Builder optDecay(Predicate<String> decay) {
      this.decay = decay;
      return this;
    }

    /** Clips the global gradient L2 norm to {@code norm} (> 0); 0, the default, never clips. */
    public Builder optClipGradientNorm(float norm) {
      check("clipNorm", norm, norm >= 0);
      this.clipNorm = norm;
      return this;
    }

    /**
     * Multiplies the learning rate of the parameter {@code name} by {@code factor} (> 0): e.g. a
     * learnable logit scale, which Adam otherwise moves by about one learning rate per step.
     */
    public Builder optRateScale(String name, float factor) {
      check("rate scale of " + name, factor, factor > 0);
      rateScales.put(name, factor);
      return this;
    }

    /**
     * An optimiser for {@code parameters} (arrays with gradients attached), keeping its state in a
     * sub-manager of {@code manager}.
     *
     * @throws IllegalArgumentException naming a bad hyper-parameter or a parameter without gradient
     */
    public AdamW build(NDManager manager, Map<String, NDArray> parameters) {
      check("beta1", beta1, beta1 >= 0 && beta1 < 1);
      check("beta2", beta2, beta2 >= 0 && beta2 < 1);
      check("epsilon", epsilon, epsilon > 0);
      check("weightDecay", weightDecay, weightDecay >= 0);
      if (parameters.isEmpty()) {
        throw new IllegalArgumentException("no parameters to optimise");
      }
      return new AdamW(this, manager, new LinkedHashMap<>(parameters));
    }

    private static void check(String name, float value, boolean ok) {
      if (!ok || !Float.isFinite(value)) {
        throw new IllegalArgumentException("AdamW " + name + " out of range: " + value);
      }
    }
  }
}
