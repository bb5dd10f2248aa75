package io.calmon.clip.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * CLIP's pre-LayerNorm residual block: {@code x += attn(ln_1(x)); x += mlp(ln_2(x))}, with
 * multi-head self-attention (optional additive mask) and a two-layer MLP. Hugging Face names:
 * {@code layer_norm1}, {@code self_attn.{q,k,v,out}_proj}, {@code layer_norm2}, {@code
 * mlp.fc1/fc2}.
 */
public final class TransformerLayer extends ClipBlock {

  private final int width;
  private final int heads;
  private final float eps;
  private final Activation activation;
  private final Parameter ln1Weight;
  private final Parameter ln1Bias;
  private final Parameter qWeight;
  private final Parameter qBias;
  private final Parameter kWeight;
  private final Parameter kBias;
  private final Parameter vWeight;
  private final Parameter vBias;
  private final Parameter outWeight;
  private final Parameter outBias;
  private final Parameter ln2Weight;
  private final Parameter ln2Bias;
  private final Parameter fc1Weight;
  private final Parameter fc1Bias;
  private final Parameter fc2Weight;
  private final Parameter fc2Bias;

  public TransformerLayer(
      int width, int heads, int intermediate, Activation activation, float eps) {
    this.width = width;
    this.heads = heads;
    this.eps = eps;
    this.activation = activation;
    Shape w = new Shape(width);
    Shape square = new Shape(width, width);
    ln1Weight = weight("layer_norm1.weight", w);
    ln1Bias = weight("layer_norm1.bias", w);
    qWeight = weight("self_attn.q_proj.weight", square);
    qBias = weight("self_attn.q_proj.bias", w);
    kWeight = weight("self_attn.k_proj.weight", square);
    kBias = weight("self_attn.k_proj.bias", w);
    vWeight = weight("self_attn.v_proj.weight", square);
    vBias = weight("self_attn.v_proj.bias", w);
    outWeight = weight("self_attn.out_proj.weight", square);
    outBias = weight("self_attn.out_proj.bias", w);
    ln2Weight = weight("layer_norm2.weight", w);
    ln2Bias = weight("layer_norm2.bias", w);
    fc1Weight = weight("mlp.fc1.weight", new Shape(intermediate, width));
    fc1Bias = weight("mlp.fc1.bias", new Shape(intermediate));
    fc2Weight = weight("mlp.fc2.weight", new Shape(width, intermediate));
    fc2Bias = weight("mlp.fc2.bias", w);
  }

  /**
   * One residual block.
   *
   * @param x {@code [batch, tokens, width]}
   * @param mask additive {@code [tokens, tokens]} attention mask, or null
   * @return {@code [batch, tokens, width]} in {@code x}'s manager
   */
  public NDArray forward(NDArray x, NDArray mask) {
    return scoped(
        x,
        scope -> {
          long batch = x.getShape().get(0);
          long tokens = x.getShape().get(1);
          long headDim = width / heads;
          // Attention: project, split heads, scaled dot product, merge heads, project back.
          NDArray h = layerNorm(x, ln1Weight, ln1Bias); // [batch, tokens, width]
          NDArray q = Tensors.scale(linear(h, qWeight, qBias), (float) (1.0 / Math.sqrt(headDim)));
          NDArray k = linear(h, kWeight, kBias);
          NDArray v = linear(h, vWeight, vBias);
          Shape split = new Shape(batch, tokens, heads, headDim);
          q = q.reshape(split).transpose(0, 2, 1, 3); // [batch, heads, tokens, headDim]
          k = k.reshape(split).transpose(0, 2, 3, 1); // [batch, heads, headDim, tokens]
          v = v.reshape(split).transpose(0, 2, 1, 3); // [batch, heads, tokens, headDim]
          NDArray scores = q.matMul(k); // [batch, heads, tokens(query), tokens(key)]
          if (mask != null) {
            scores = scores.add(mask);
          }
          NDArray attended = scores.softmax(-1).matMul(v); // [batch, heads, tokens, headDim]
          attended =
              attended.transpose(0, 2, 1, 3).reshape(batch, tokens, width); // [b, tokens, width]
          NDArray y = x.add(linear(attended, outWeight, outBias));
          // MLP.
          NDArray m = linear(layerNorm(y, ln2Weight, ln2Bias), fc1Weight, fc1Bias);
          m = activation.apply(m); // [batch, tokens, intermediate]
          return y.add(linear(m, fc2Weight, fc2Bias));
        });
  }

  NDArray layerNorm(NDArray x, Parameter gamma, Parameter beta) {
    return layerNorm(x, gamma, beta, eps);
  }

  static NDArray layerNorm(NDArray x, Parameter gamma, Parameter beta, float eps) {
    NDArrayEx ex = x.getNDArrayInternal();
    Shape last = new Shape(x.getShape().get(x.getShape().dimension() - 1));
    return ex.layerNorm(x, last, gamma.getArray(), beta.getArray(), eps).singletonOrThrow();
  }

  /**
   * {@code x @ weight^T + bias}, weight in PyTorch's {@code [out, in]} layout; bias may be null.
   */
  static NDArray linear(NDArray x, Parameter weight, Parameter bias) {
    return x.getNDArrayInternal()
        .linear(x, weight.getArray(), bias == null ? null : bias.getArray())
        .singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
