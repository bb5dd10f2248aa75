package io.calmon.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.calmon.clip.nn.ClipBlock.Slot;
import io.calmon.clip.nn.ImageEncoder;
import io.calmon.clip.nn.TextEncoder;
import io.calmon.clip.text.ClipTokenizer;
import io.calmon.clip.weights.SafeTensors;
import io.calmon.clip.weights.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A CLIP model: image and text encoders, {@code logit_scale}, and the tokenizer, loaded from (and
 * saved to) a Hugging Face model directory: {@code config.json}, {@code model.safetensors}, {@code
 * tokenizer.json}.
 *
 * <p>Parameters are frozen by default. {@link #setTrainable(boolean)} attaches gradients to every
 * parameter array so that a trainer (e.g. contrastive pretraining) can compute {@code d loss / d
 * parameter} inside a {@code GradientCollector} and update {@link #trainableParameters()} outside
 * it; {@code logit_scale} is a plain float here, so a trainer keeps its own array and writes it
 * back with {@link #setLogitScale(float)}.
 *
 * <p>Thread-safety: the batched feature methods may be called concurrently (the parameters are
 * frozen and only read; each call works in its own sub-manager that it closes). {@link #close()}
 * must not overlap any call, and neither may training.
 */
public final class ClipModel implements AutoCloseable {

  /** File names of a model directory. */
  public static final String CONFIG = "config.json";

  public static final String WEIGHTS = "model.safetensors";
  public static final String TOKENIZER = "tokenizer.json";

  static final String LOGIT_SCALE = "logit_scale";
  private static final int MAX_BATCH = 32;

  private final ClipConfig config;
  private final NDManager manager;
  private final ImageEncoder imageEncoder;
  private final TextEncoder textEncoder;
  private final ClipTokenizer tokenizer;
  private float logitScale;
  private String weightsSha256;

  private ClipModel(ClipConfig config, NDManager manager, ClipTokenizer tokenizer) {
    this.config = config;
    this.manager = manager;
    this.tokenizer = tokenizer;
    this.imageEncoder = new ImageEncoder(config.vision(), config.projectionDim());
    this.textEncoder = new TextEncoder(config.text(), config.projectionDim());
  }

  /**
   * Loads a model directory. F32, F16 and BF16 weights load as F32.
   *
   * @throws ModelFormatException naming the missing file, missing or mis-shaped tensor, or bad
   *     config key
   */
  public static ClipModel load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ModelFormatException("model directory " + dir + " does not exist");
    }
    Path configFile = dir.resolve(CONFIG);
    Path weightsFile = dir.resolve(WEIGHTS);
    for (Path f : List.of(configFile, weightsFile)) {
      if (!Files.isRegularFile(f)) {
        throw new ModelFormatException("model directory " + dir + " lacks " + f.getFileName());
      }
    }
    ClipConfig config = ClipConfig.read(configFile);
    SafeTensors.Contents contents = SafeTensors.read(weightsFile);
    Path tokenizerFile = dir.resolve(TOKENIZER);
    ClipTokenizer tokenizer =
        Files.isRegularFile(tokenizerFile)
            ? ClipTokenizer.load(tokenizerFile, config.text().maxPositionEmbeddings())
            : null;
    ClipModel model = new ClipModel(config, NDManager.newBaseManager(), tokenizer);
    try {
      model.assign(weightsFile.toString(), contents.tensors());
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    model.weightsSha256 = contents.sha256();
    return model;
  }

  /**
   * A model with random weights (normal, std 0.02, He for a convolutional stem; LayerNorms
   * identity): for benchmarks and tests.
   *
   * @param tokenizer a tokenizer, or null for a model used through embeddings and pixels only
   */
  public static ClipModel random(ClipConfig config, long seed, ClipTokenizer tokenizer) {
    NDManager manager = NDManager.newBaseManager();
    manager.getEngine().setRandomSeed((int) seed);
    ClipModel model = new ClipModel(config, manager, tokenizer);
    for (Map.Entry<String, Slot> e : model.slots().entrySet()) {
      String name = e.getKey();
      Shape shape = e.getValue().shape();
      NDArray array;
      if (name.endsWith(".running_var")) {
        array = manager.ones(shape);
      } else if (name.endsWith(".running_mean")) {
        array = manager.zeros(shape);
      } else if (name.matches(".*(norm\\d?|layrnorm|layernorm|layer_norm)\\.weight")) {
        array = manager.ones(shape);
      } else if (name.endsWith(".bias")) {
        array = manager.zeros(shape);
      } else if (name.contains(".conv_stem.")) {
        // He initialisation: a ReLU stem at std 0.02 would shrink the signal at every layer.
        float fanIn = shape.size() / shape.get(0);
        array =
            manager.randomNormal(
                0f, (float) Math.sqrt(2 / fanIn), shape, ai.djl.ndarray.types.DataType.FLOAT32);
      } else {
        array = manager.randomNormal(0f, 0.02f, shape, ai.djl.ndarray.types.DataType.FLOAT32);
      }
      e.getValue().parameter().setArray(array);
    }
    model.logitScale = config.logitScaleInit();
    return model;
  }

  /** Every weight by its Hugging Face name, except the scalar {@code logit_scale}. */
  public Map<String, Slot> slots() {
    Map<String, Slot> slots = new LinkedHashMap<>();
    textEncoder.collectSlots("", slots);
    imageEncoder.collectSlots("", slots);
    return Collections.unmodifiableMap(slots);
  }

  private void assign(String source, Map<String, Tensor> tensors) {
    Map<String, Slot> slots = slots();
    for (Map.Entry<String, Slot> e : slots.entrySet()) {
      Tensor t = tensors.get(e.getKey());
      Shape expected = e.getValue().shape();
      if (t == null) {
        throw new ModelFormatException(
            source + ": missing tensor " + e.getKey() + " (expected shape " + expected + ")");
      }
      if (!new Shape(t.shape()).equals(expected)) {
        throw new ModelFormatException(
            source
                + ": tensor "
                + e.getKey()
                + " has shape "
                + new Shape(t.shape())
                + ", expected "
                + expected
                + " from config.json");
      }
      e.getValue().parameter().setArray(manager.create(t.data(), expected));
    }
    Tensor scale = tensors.get(LOGIT_SCALE);
    if (scale == null || scale.data().length != 1) {
      throw new ModelFormatException(
          source + ": missing tensor " + LOGIT_SCALE + " (expected a scalar)");
    }
    logitScale = scale.data()[0];
    for (String name : tensors.keySet()) {
      // Hugging Face keeps position_ids buffers in some checkpoints; anything else unknown means
      // config.json and the weights disagree (e.g. more layers than configured).
      if (!slots.containsKey(name) && !name.equals(LOGIT_SCALE) && !name.endsWith("position_ids")) {
        throw new ModelFormatException(
            source + ": unexpected tensor " + name + " (does config.json match the weights?)");
      }
    }
  }

  /**
   * Writes a model directory in the layout {@link #load} reads (F32 weights; the tokenizer copied)
   * and returns the SHA-256 of the weights file.
   */
  public String save(Path dir) throws IOException {
    Files.createDirectories(dir);
    config.write(dir.resolve(CONFIG));
    List<Tensor> tensors = new ArrayList<>();
    for (Map.Entry<String, Slot> e : slots().entrySet()) {
      NDArray a = e.getValue().parameter().getArray();
      tensors.add(new Tensor(e.getKey(), a.getShape().getShape(), a.toFloatArray()));
    }
    tensors.add(new Tensor(LOGIT_SCALE, new long[0], new float[] {logitScale}));
    String sha = SafeTensors.write(dir.resolve(WEIGHTS), tensors);
    if (tokenizer != null) {
      Files.copy(tokenizer.file(), dir.resolve(TOKENIZER), StandardCopyOption.REPLACE_EXISTING);
    }
    return sha;
  }

  /** The architecture. */
  public ClipConfig config() {
    return config;
  }

  /** The image encoder, for callers working with NDArrays directly. */
  public ImageEncoder imageEncoder() {
    return imageEncoder;
  }

  /** The text encoder: token embeddings in, features out (see {@link TextEncoder}). */
  public TextEncoder textEncoder() {
    return textEncoder;
  }

  /** The tokenizer, if the model directory had one. */
  public Optional<ClipTokenizer> tokenizer() {
    return Optional.ofNullable(tokenizer);
  }

  /** The manager owning the parameters; make per-batch sub-managers from it. */
  public NDManager manager() {
    return manager;
  }

  /** The stored (log) logit scale; logits are {@code exp(logitScale) * cos}. */
  public float logitScale() {
    return logitScale;
  }

  /** SHA-256 of the weights file this model was loaded from, if it was loaded from one. */
  public Optional<String> weightsSha256() {
    return Optional.ofNullable(weightsSha256);
  }

  /**
   * Replaces the stored (log) logit scale, e.g. with the value a trainer learned.
   *
   * @throws IllegalArgumentException if it is not finite
   */
  public void setLogitScale(float logitScale) {
    if (!Float.isFinite(logitScale)) {
      throw new IllegalArgumentException("logit scale must be finite, got " + logitScale);
    }
    this.logitScale = logitScale;
  }

  /**
   * Every parameter array by its Hugging Face name, {@code logit_scale} and BatchNorm running
   * statistics excluded: the arrays themselves (not copies), so a trainer updates them in place.
   */
  public Map<String, NDArray> trainableParameters() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    slots()
        .forEach(
            (name, slot) -> {
              if (!isStatistic(name)) {
                out.put(name, slot.parameter().getArray());
              }
            });
    return Collections.unmodifiableMap(out);
  }

  /**
   * Attaches ({@code true}) or detaches gradients on every parameter array, and puts the image
   * encoder's BatchNorms (if any) in training mode or back. While trainable, gradients accumulate
   * across {@code GradientCollector}s: a trainer zeroes them after each step. Not for concurrent
   * use with the feature methods.
   */
  public void setTrainable(boolean trainable) {
    trainableParameters().values().forEach(a -> a.setRequiresGradient(trainable));
    imageEncoder.setTraining(trainable);
  }

  /** A BatchNorm running statistic: saved and loaded like a weight, never trained. */
  private static boolean isStatistic(String name) {
    return name.endsWith(".running_mean") || name.endsWith(".running_var");
  }

  /** Number of scalar parameters, {@code logit_scale} included. */
  public long parameterCount() {
    return slots().values().stream().mapToLong(s -> s.shape().size()).sum() + 1;
  }

  /**
   * Image features, batched.
   *
   * @param pixels one {@code [channels, size, size]} normalised image per element (see {@link
   *     io.calmon.clip.image.ImagePreprocessor})
   * @return {@code [images, projectionDim]}, not normalised
   */
  public float[][] imageFeatures(List<float[]> pixels) {
    VisionConfig v = config.vision();
    int per = v.numChannels() * v.imageSize() * v.imageSize();
    float[][] out = new float[pixels.size()][];
    for (int start = 0; start < pixels.size(); start += MAX_BATCH) {
      int n = Math.min(MAX_BATCH, pixels.size() - start);
      float[] flat = new float[n * per];
      for (int i = 0; i < n; i++) {
        float[] p = pixels.get(start + i);
        if (p.length != per) {
          throw new IllegalArgumentException(
              "image " + (start + i) + " has " + p.length + " values, expected " + per);
        }
        System.arraycopy(p, 0, flat, i * per, per);
      }
      try (NDManager batch = manager.newSubManager()) {
        NDArray x = batch.create(flat, new Shape(n, v.numChannels(), v.imageSize(), v.imageSize()));
        copyRows(imageEncoder.encode(x), out, start);
      }
    }
    return out;
  }

  /**
   * Text features of prompts, batched; each pooled at its end-of-text token.
   *
   * @throws IllegalStateException if the model has no tokenizer
   * @throws io.calmon.clip.text.PromptTooLongException naming a prompt that does not fit
   */
  public float[][] textFeatures(List<String> prompts) {
    if (tokenizer == null) {
      throw new IllegalStateException("this model has no tokenizer.json");
    }
    long[][] ids = tokenizer.encode(prompts);
    return textFeaturesFromIds(ids);
  }

  /** Text features from padded token ids {@code [prompts, tokens]}, batched. */
  public float[][] textFeaturesFromIds(long[][] ids) {
    float[][] out = new float[ids.length][];
    for (int start = 0; start < ids.length; start += MAX_BATCH) {
      int n = Math.min(MAX_BATCH, ids.length - start);
      int len = ids[start].length;
      long[] flat = new long[n * len];
      for (int i = 0; i < n; i++) {
        System.arraycopy(ids[start + i], 0, flat, i * len, len);
      }
      try (NDManager batch = manager.newSubManager()) {
        copyRows(textEncoder.encodeIds(batch.create(flat, new Shape(n, len))), out, start);
      }
    }
    return out;
  }

  /** {@code exp(logitScale) * cos(image, text)}: {@code [images, texts]}. */
  public float[][] logits(float[][] imageFeatures, float[][] textFeatures) {
    return Similarity.logits(imageFeatures, textFeatures, logitScale);
  }

  private static void copyRows(NDArray features, float[][] out, int start) {
    int rows = (int) features.getShape().get(0);
    int dim = (int) features.getShape().get(1);
    float[] flat = features.toFloatArray();
    for (int i = 0; i < rows; i++) {
      float[] row = new float[dim];
      System.arraycopy(flat, i * dim, row, 0, dim);
      out[start + i] = row;
    }
  }

  @Override
  public void close() {
    if (tokenizer != null) {
      tokenizer.close();
    }
    manager.close();
  }
}
