package io.calmon.pretrain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.calmon.clip.ClipConfig;
import io.calmon.clip.ClipModel;
import io.calmon.clip.nn.ClipBlock;
import io.calmon.clip.text.ClipTokenizer;
import io.calmon.clip.train.AdamW;
import io.calmon.clip.train.CosineSchedule;
import io.calmon.world.TokenizerJson;
import io.calmon.world.Vocabulary;
import io.calmon.world.WorldPretrainingData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Contrastive pretraining of a CLIP from scratch on the world's image-caption pairs: symmetric
 * InfoNCE over the batch with a learnable logit scale (clamped at 100, as CLIP), AdamW, linear
 * warm-up then cosine decay. Pairs come from a pool rendered once; batches are drawn from a seeded
 * shuffle of it, epoch after epoch, in groups of pairs that share style, background and colour
 * (hard negatives, {@link GroupedBatches}). Same options, same machine: same model.
 *
 * <p>Pairs in a batch whose captions are identical ("a sketch of a red circle.") are each other's
 * positives: the target row spreads its mass over them, so the loss does not push apart texts that
 * are the same.
 */
public final class ContrastivePretrainer {

  /** One progress report. */
  public record Progress(
      int step,
      int steps,
      float loss,
      float imageToTextAccuracy,
      float logitScale,
      float learningRate,
      Duration elapsed,
      Duration eta) {

    /** A one-line rendering. */
    public String line() {
      return String.format(
          "step %d/%d  loss %.4f  i->t acc %.3f  logit scale %.1f  lr %.2e  elapsed %s  eta %s",
          step, steps, loss, imageToTextAccuracy, logitScale, learningRate, hms(elapsed), hms(eta));
    }
  }

  /** Receives progress and stage messages. */
  public interface Listener {
    void message(String text);

    void progress(Progress p);
  }

  /** Learning-rate multiplier of the logit scale. */
  public static final float LOGIT_SCALE_RATE_FACTOR = 10f;

  private final PretrainOptions options;

  private final Path init;

  private final Path initText;

  private final Path lockImage;

  private final boolean freshText;

  /** Pretraining from random weights. */
  public ContrastivePretrainer(PretrainOptions options) {
    this(options, null);
  }

  /**
   * Pretraining that continues from the model directory {@code init} (its weights and logit scale;
   * a fresh optimiser and schedule), or from random weights if null. The directory's architecture
   * must be the preset's.
   */
  public ContrastivePretrainer(PretrainOptions options, Path init) {
    this(options, init, null);
  }

  /**
   * Pretraining that continues from {@code init} (if not null), or starts from random weights
   * except for the text tower (every {@code text_model.*} and {@code text_projection.*} array),
   * which is copied from the model directory {@code initText} (if not null): a new image encoder
   * (e.g. a finer patch) learns against a text encoder that already knows the world's words. At
   * most one of the two may be given; the text architectures must match.
   */
  public ContrastivePretrainer(PretrainOptions options, Path init, Path initText) {
    this(options, init, initText, null);
  }

  /**
   * As {@link #ContrastivePretrainer(PretrainOptions, Path, Path)}, or, with {@code lockImage},
   * locked-image text tuning (LiT, Zhai et al. 2022): the image encoder and its projection are
   * copied from the model directory {@code lockImage} and never change (its BatchNorms stay in
   * inference mode), and only the text tower and the logit scale train. The text tower starts from
   * {@code lockImage}'s where names and shapes agree; blocks beyond its depth (a deeper {@link
   * PretrainOptions#textLayers()}) start as the identity, so step 0 is {@code lockImage}'s model.
   * At most one of the three directories may be given.
   */
  public ContrastivePretrainer(PretrainOptions options, Path init, Path initText, Path lockImage) {
    this(options, init, initText, lockImage, false);
  }

  private ContrastivePretrainer(
      PretrainOptions options, Path init, Path initText, Path lockImage, boolean freshText) {
    int given = (init != null ? 1 : 0) + (initText != null ? 1 : 0) + (lockImage != null ? 1 : 0);
    if (given > 1) {
      throw new IllegalArgumentException(
          "continue from a model, take its text tower or lock its image tower: one of them");
    }
    this.options = options;
    this.init = init;
    this.initText = initText;
    this.lockImage = lockImage;
    this.freshText = freshText;
  }

  /**
   * This locked-image run with a text tower from random weights (seeded by the options) instead of
   * the locked model's: LiT from scratch on the text side.
   *
   * @throws IllegalStateException if no image tower is locked
   */
  public ContrastivePretrainer withFreshText() {
    if (lockImage == null) {
      throw new IllegalStateException("a fresh text tower is for locked-image runs");
    }
    return new ContrastivePretrainer(options, init, initText, lockImage, true);
  }

  /**
   * Renders the pool, trains, and returns the trained model (the caller closes and saves it).
   *
   * @param workDir where {@code tokenizer.json} is written (the model's tokenizer is that file)
   * @param progressEvery steps between progress reports (0: none)
   * @param checkpointEvery steps between saves of the model to {@code workDir} (0: none), so that
   *     an interrupted run leaves a usable model behind
   */
  public ClipModel train(Path workDir, Listener listener, int progressEvery, int checkpointEvery)
      throws IOException {
    long start = System.nanoTime();
    Path tokenizerFile = workDir.resolve(ClipModel.TOKENIZER);
    Vocabulary vocabulary = Vocabulary.world();
    TokenizerJson.write(vocabulary, tokenizerFile);
    int vocabSize = vocabulary.words().size() + 4;
    ClipConfig config = options.config(vocabSize);

    PairPool pool;
    try (ClipTokenizer wide = ClipTokenizer.load(tokenizerFile, 4 * ModelPreset.CONTEXT)) {
      pool =
          PairPool.render(
              new WorldPretrainingData(options.world(), options.seed()),
              options.pool(),
              wide,
              ModelPreset.CONTEXT);
    }
    listener.message(
        String.format(
            "rendered %d pairs of %dx%d in %s",
            pool.count(), pool.size(), pool.size(), hms(since(start))));

    ClipModel model;
    if (init == null) {
      model =
          ClipModel.random(
              config, options.seed(), ClipTokenizer.load(tokenizerFile, ModelPreset.CONTEXT));
      if (lockImage != null) {
        try {
          int identity = copyForLockedImage(lockImage, model, !freshText);
          listener.message(
              "image tower locked from "
                  + lockImage
                  + (freshText ? "; text tower from random weights" : "; text tower from it")
                  + (identity > 0 ? ", " + identity + " more text blocks from the identity" : ""));
        } catch (RuntimeException e) {
          model.close();
          throw e;
        }
      } else if (initText != null) {
        try {
          copyTextTower(initText, model);
        } catch (RuntimeException e) {
          model.close();
          throw e;
        }
        listener.message("text tower from " + initText + "; image tower from random weights");
      }
    } else {
      model = ClipModel.load(init);
      if (!model.config().describe().equals(config.describe())) {
        model.close();
        throw new IllegalArgumentException(
            init + " is not a " + options.preset().word() + " model: " + model.config().describe());
      }
      listener.message("continuing from " + init);
    }
    try {
      listener.message(
          String.format("model: %s; %,d parameters", config.describe(), model.parameterCount()));
      run(model, pool, listener, progressEvery, checkpointEvery, workDir, System.nanoTime());
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return model;
  }

  private void run(
      ClipModel model,
      PairPool pool,
      Listener listener,
      int progressEvery,
      int checkpointEvery,
      Path workDir,
      long trainStart) {
    int steps = options.steps();
    int batch = options.batch();
    int size = pool.size();
    int each = 3 * size * size;
    int context = ModelPreset.CONTEXT;
    CosineSchedule schedule =
        new CosineSchedule(options.peakLearningRate(), 0f, options.warmupSteps(), steps);
    GroupedBatches batches;
    try {
      batches = new GroupedBatches(pool.looks(), options.group(), options.seed() ^ 0x5EED5EEDL);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "a pool of "
              + pool.count()
              + " pairs is too small for hard-negative groups of "
              + options.group()
              + " (no style, background and colour has that many pairs): raise the pool (--pool)"
              + " or lower the group (--hard-negatives)",
          e);
    }

    NDManager root = model.manager();
    boolean locked = lockImage != null;
    float scale0 = init == null && !locked ? options.logitScaleInit() : model.logitScale();
    NDArray logitScale = root.create(new float[] {scale0}, new Shape(1));
    logitScale.setRequiresGradient(true);
    model.setTrainable(true);
    Map<String, NDArray> params = new LinkedHashMap<>(model.trainableParameters());
    if (locked) {
      model.imageEncoder().setTraining(false);
      params.forEach((name, a) -> a.setRequiresGradient(!isImageTower(name)));
      params.keySet().removeIf(ContrastivePretrainer::isImageTower);
    }
    params.put("logit_scale", logitScale);
    AdamW.Builder adamBuilder =
        AdamW.builder()
            .optWeightDecay(options.weightDecay())
            // A first 1200-step run went NaN at step ~355 without clipping.
            .optClipGradientNorm(1f)
            .optDecay(name -> !name.contains("embedding") && !name.equals("logit_scale"))
            // Adam moves ln(scale) by about one rate per step: at 1e-3 a short run could not take
            // it from CLIP's 14.3 to 100 even if the data asked for it (a first prototype's tiny
            // models ended at 17-33).
            .optRateScale("logit_scale", LOGIT_SCALE_RATE_FACTOR);
    try (AdamW adam = adamBuilder.build(root, params)) {
      for (int step = 0; step < steps; step++) {
        int[] picked = batches.next(batch);
        float[] images = new float[batch * each];
        long[] ids = new long[batch * context];
        long[][] rows = new long[batch][];
        for (int b = 0; b < batch; b++) {
          int i = picked[b];
          pool.normalisedImage(i, images, b * each);
          rows[b] = pool.ids(i);
          System.arraycopy(rows[b], 0, ids, b * context, context);
        }
        float[] targets = targets(rows);
        float loss;
        float[] logits;
        try (NDManager m = root.newSubManager()) {
          NDArray x = m.create(images, new Shape(batch, 3, size, size));
          NDArray t = m.create(ids, new Shape(batch, context));
          NDArray target = m.create(targets, new Shape(batch, batch));
          // Locked: the image features carry no gradient, computed outside the recording.
          NDArray lockedImg = locked ? normalize(model.imageEncoder().encode(x)) : null;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray img =
                locked ? lockedImg : normalize(model.imageEncoder().encode(x)); // [batch, emb]
            NDArray txt = normalize(model.textEncoder().encodeIds(t)); // [batch, embedding]
            NDArray l = img.matMul(txt.transpose()).mul(logitScale.exp()); // [images, texts]
            // Symmetric InfoNCE: images pick their text (rows), texts their image (columns).
            NDArray imageToText = target.mul(l.logSoftmax(1)).sum().neg();
            NDArray textToImage = target.mul(l.logSoftmax(0)).sum().neg();
            NDArray total = imageToText.add(textToImage).div(2f * batch);
            gc.backward(total);
            loss = total.getFloat();
            logits = l.toFloatArray();
          }
        }
        float rate = schedule.rate(step);
        float norm = adam.step(rate);
        if (!Float.isFinite(norm) || !Float.isFinite(loss)) {
          listener.message(
              String.format(
                  "step %d: loss %s, gradient norm %s: update skipped", step + 1, loss, norm));
        }
        float s = logitScale.getFloat(0);
        if (s > PretrainOptions.MAX_LOGIT_SCALE) {
          logitScale.subi(s - PretrainOptions.MAX_LOGIT_SCALE);
          s = PretrainOptions.MAX_LOGIT_SCALE;
        }
        model.setLogitScale(s);
        if (progressEvery > 0 && ((step + 1) % progressEvery == 0 || step + 1 == steps)) {
          Duration elapsed = since(trainStart);
          Duration eta = elapsed.multipliedBy(steps - step - 1).dividedBy(step + 1);
          listener.progress(
              new Progress(
                  step + 1,
                  steps,
                  loss,
                  accuracy(logits, targets, batch),
                  (float) Math.exp(s),
                  rate,
                  elapsed,
                  eta));
        }
        if (checkpointEvery > 0 && (step + 1) % checkpointEvery == 0 && step + 1 < steps) {
          checkpoint(model, workDir, step + 1, listener);
        }
      }
    } finally {
      model.setTrainable(false);
      logitScale.close();
    }
  }

  private static boolean isImageTower(String name) {
    return name.startsWith("vision_model.") || name.startsWith("visual_projection.");
  }

  /**
   * For locked-image tuning: copies every image-tower array of the model in {@code dir} (BatchNorm
   * statistics included) and its logit scale into {@code target}, and every text-tower array whose
   * name and shape agree; text blocks {@code dir} does not have become the identity (their
   * attention output and second MLP projections zeroed, so each block adds nothing to its input).
   * With {@code copyText} false the text tower keeps {@code target}'s own weights.
   *
   * @return how many text blocks start as the identity
   * @throws IllegalArgumentException if the image architectures or embedding sizes differ, or the
   *     text towers differ other than in depth
   */
  static int copyForLockedImage(Path dir, ClipModel target, boolean copyText) {
    try (ClipModel source = ClipModel.load(dir)) {
      ClipConfig from = source.config();
      ClipConfig to = target.config();
      if (!from.vision().equals(to.vision())
          || from.projectionDim() != to.projectionDim()
          || from.text().hiddenSize() != to.text().hiddenSize()
          || from.text().vocabSize() != to.text().vocabSize()
          || from.text().numHiddenLayers() > to.text().numHiddenLayers()) {
        throw new IllegalArgumentException(
            dir
                + " cannot lend its image tower to "
                + to.describe()
                + ": it is "
                + from.describe()
                + " (same image tower, text width and vocabulary, at most as deep a text tower)");
      }
      Map<String, ClipBlock.Slot> have = source.slots();
      for (Map.Entry<String, ClipBlock.Slot> e : target.slots().entrySet()) {
        String name = e.getKey();
        if (!copyText && !isImageTower(name)) {
          continue;
        }
        ClipBlock.Slot src = have.get(name);
        NDArray dst = e.getValue().parameter().getArray();
        if (src != null && src.shape().equals(e.getValue().shape())) {
          dst.set(src.parameter().getArray().toFloatArray());
        } else if (isImageTower(name) || !name.contains(".layers.")) {
          throw new IllegalArgumentException(dir + ": array " + name + " missing or reshaped");
        } else if (name.endsWith(".self_attn.out_proj.weight")
            || name.endsWith(".self_attn.out_proj.bias")
            || name.endsWith(".mlp.fc2.weight")
            || name.endsWith(".mlp.fc2.bias")) {
          dst.set(new float[(int) e.getValue().shape().size()]);
        }
      }
      target.setLogitScale(source.logitScale());
      return copyText ? to.text().numHiddenLayers() - from.text().numHiddenLayers() : 0;
    }
  }

  /** Copies every text-tower array of the model in {@code dir} into {@code target}. */
  static int copyTextTower(Path dir, ClipModel target) {
    int copied = 0;
    try (ClipModel source = ClipModel.load(dir)) {
      if (!source.config().text().equals(target.config().text())) {
        throw new IllegalArgumentException(
            dir + " has another text architecture: " + source.config().describe());
      }
      Map<String, NDArray> from = source.trainableParameters();
      for (Map.Entry<String, NDArray> e : target.trainableParameters().entrySet()) {
        String name = e.getKey();
        if (name.startsWith("text_model.") || name.startsWith("text_projection.")) {
          NDArray src = from.get(name);
          if (src == null || !src.getShape().equals(e.getValue().getShape())) {
            throw new IllegalArgumentException(
                dir + ": text array " + name + " missing or reshaped");
          }
          e.getValue().set(src.toFloatArray());
          copied++;
        }
      }
    }
    if (copied == 0) {
      throw new IllegalArgumentException(dir + " has no text tower arrays");
    }
    return copied;
  }

  private static void checkpoint(ClipModel model, Path dir, int step, Listener listener) {
    try {
      model.save(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save a checkpoint to " + dir, e);
    }
    listener.message("checkpoint after step " + step + " saved to " + dir);
  }

  private static NDArray normalize(NDArray x) {
    return x.div(x.norm(new int[] {1}, true)); // rows to unit length
  }

  /** Row-normalised identity of captions: 1/k on the k pairs sharing a caption. */
  static float[] targets(long[][] rows) {
    int n = rows.length;
    float[] t = new float[n * n];
    for (int i = 0; i < n; i++) {
      int k = 0;
      for (int j = 0; j < n; j++) {
        if (Arrays.equals(rows[i], rows[j])) {
          k++;
        }
      }
      for (int j = 0; j < n; j++) {
        if (Arrays.equals(rows[i], rows[j])) {
          t[i * n + j] = 1f / k;
        }
      }
    }
    return t;
  }

  private static float accuracy(float[] logits, float[] targets, int n) {
    int right = 0;
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int j = 1; j < n; j++) {
        if (logits[i * n + j] > logits[i * n + best]) {
          best = j;
        }
      }
      if (targets[i * n + best] > 0) {
        right++;
      }
    }
    return (float) right / n;
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  static String hms(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format("%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
        : String.format("%dm%02ds", s / 60, s % 60);
  }
}
