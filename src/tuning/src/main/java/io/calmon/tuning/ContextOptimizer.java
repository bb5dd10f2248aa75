package io.calmon.tuning;

/**
 * Updates the context vectors in place from their gradient. The context is small (n_ctx x width,
 * 2048 values for ViT-B), so the update runs on plain arrays, outside any gradient collector, and
 * keeps its own state (momentum, moments).
 */
public interface ContextOptimizer {

  /** One update of {@code params} by {@code grad} at learning rate {@code lr}. */
  void step(float[] params, float[] grad, double lr);

  /** The optimiser {@code config} asks for, sized for {@code size} parameters. */
  static ContextOptimizer of(TuningConfig config, int size) {
    return switch (config.optimizer()) {
      case SGD -> new Sgd(size, config.momentum(), config.weightDecay());
      case ADAM -> new Adam(size, 0.9, 0.999, 1e-8, config.weightDecay());
    };
  }

  /** PyTorch's SGD: {@code g += wd * p; buf = m * buf + g; p -= lr * buf}. */
  final class Sgd implements ContextOptimizer {
    private final double momentum;
    private final double weightDecay;
    private final double[] buffer;
    private boolean first = true;

    Sgd(int size, double momentum, double weightDecay) {
      this.momentum = momentum;
      this.weightDecay = weightDecay;
      this.buffer = new double[size];
    }

    @Override
    public void step(float[] params, float[] grad, double lr) {
      for (int i = 0; i < params.length; i++) {
        double g = grad[i] + weightDecay * params[i];
        // PyTorch starts the momentum buffer at the first gradient, not at zero.
        buffer[i] = first ? g : momentum * buffer[i] + g;
        params[i] -= (float) (lr * buffer[i]);
      }
      first = false;
    }
  }

  /** PyTorch's Adam with L2 weight decay added to the gradient. */
  final class Adam implements ContextOptimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final double[] m;
    private final double[] v;
    private int t;

    Adam(int size, double beta1, double beta2, double eps, double weightDecay) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.eps = eps;
      this.weightDecay = weightDecay;
      this.m = new double[size];
      this.v = new double[size];
    }

    @Override
    public void step(float[] params, float[] grad, double lr) {
      t++;
      double c1 = 1 - Math.pow(beta1, t);
      double c2 = 1 - Math.pow(beta2, t);
      for (int i = 0; i < params.length; i++) {
        double g = grad[i] + weightDecay * params[i];
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        params[i] -= (float) (lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps));
      }
    }
  }
}
