package io.calmon.clip.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.calmon.clip.ClipException;
import io.calmon.clip.ClipModel;
import io.calmon.clip.nn.TextEncoder;
import io.calmon.clip.text.ClipTokenizer;
import java.util.List;

/**
 * CoOp's prompts for a fixed list of names: {@code [SOS][V1..VM] name.[EOS]}, where the M context
 * vectors V are shared by every name and replace the token embeddings of M placeholder tokens. Used
 * by prompt tuning (context with a gradient) and by scorers serving a tuned prompt version (context
 * from the {@code PromptVersion} record), so both build prompts the same way.
 *
 * <p>Token ids are computed once; each {@link #features} call embeds them, splices the context in
 * and runs the text encoder (cut at the longest end-of-text position). Not thread-safe for {@link
 * #close()}; {@link #features} may run concurrently.
 */
public final class ContextPrompts implements AutoCloseable {
  /** The placeholder word CoOp tokenizes in place of each context vector. */
  static final String PLACEHOLDER = "X";

  private final TextEncoder text;
  private final List<String> names;
  private final int nCtx;
  private final NDManager manager;
  private final NDArray ids; // [names, contextLength]
  private final int[] eot;

  private ContextPrompts(ClipModel clip, List<String> names, int nCtx) {
    this.text = clip.textEncoder();
    this.names = List.copyOf(names);
    this.nCtx = nCtx;
    ClipTokenizer tokenizer = tokenizer(clip);
    String prefix = prefix(nCtx);
    long[] prefixIds = tokenizer.encode(prefix);
    int prefixTokens = endOfText(prefixIds) - 1;
    if (prefixTokens != nCtx) {
      throw new ClipException(
          "the tokenizer splits the context placeholder '"
              + prefix
              + "' into "
              + prefixTokens
              + " tokens, expected "
              + nCtx);
    }
    long[][] rows = tokenizer.encode(names.stream().map(name -> prompt(prefix, name)).toList());
    this.manager = clip.manager().newSubManager();
    this.ids = manager.create(rows);
    this.eot = TextEncoder.endOfTextPositions(ids);
  }

  /**
   * Prompts for {@code names} with {@code nCtx} context vectors.
   *
   * @throws ClipException if the model has no tokenizer or the placeholders do not tokenize to
   *     {@code nCtx} tokens
   * @throws io.calmon.clip.text.PromptTooLongException if a name does not fit the context
   */
  public static ContextPrompts of(ClipModel clip, List<String> names, int nCtx) {
    if (nCtx < 1 || nCtx >= clip.config().text().maxPositionEmbeddings() - 2) {
      throw new IllegalArgumentException("n_ctx must be in [1, context length - 3], got " + nCtx);
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no names to build prompts for");
    }
    return new ContextPrompts(clip, names, nCtx);
  }

  /**
   * CoOp's initialisation "from words": the token embeddings of {@code words} (e.g. "a photo of
   * a"), which must tokenize to exactly as many tokens as there are context vectors.
   *
   * @return {@code nCtx * width} values, row-major
   */
  public static float[] initialContext(ClipModel clip, String words, int nCtx) {
    long[] idsOfWords = tokenizer(clip).encode(words);
    int tokens = endOfText(idsOfWords) - 1;
    if (tokens != nCtx) {
      throw new ClipException(
          "context initialisation '" + words + "' has " + tokens + " tokens, n_ctx is " + nCtx);
    }
    try (NDManager m = clip.manager().newSubManager()) {
      NDArray row = m.create(new long[][] {idsOfWords});
      NDArray embedded = clip.textEncoder().embedTokens(row); // [1, T, W]
      return embedded.get("0, 1:{}, :", 1 + nCtx).toFloatArray();
    }
  }

  /** The names, in row order of {@link #features}. */
  public List<String> names() {
    return names;
  }

  /** Number of context vectors M. */
  public int nCtx() {
    return nCtx;
  }

  /** Width of each context vector (the token embedding width). */
  public int width() {
    return text.config().hiddenSize();
  }

  /**
   * Text features of every prompt with {@code ctx} spliced in. Gradients flow to {@code ctx} when
   * it requires them and a collector is open.
   *
   * @param ctx {@code [nCtx, width]}
   * @return {@code [names, projectionDim]}, not normalised, in {@code ctx}'s manager
   */
  public NDArray features(NDArray ctx) {
    return features(ctx, null);
  }

  /**
   * Text features of the prompts at {@code rows} only (e.g. a batch of outliers drawn from a large
   * pool), with {@code ctx} spliced in; cut at the longest end-of-text position of those rows.
   *
   * @param ctx {@code [nCtx, width]}
   * @param rows indices into {@link #names()}, or null for all of them
   * @return {@code [rows, projectionDim]}, not normalised, in {@code ctx}'s manager
   */
  public NDArray features(NDArray ctx, int[] rows) {
    Shape expected = new Shape(nCtx, width());
    if (!ctx.getShape().equals(expected)) {
      throw new IllegalArgumentException("context must be " + expected + ", got " + ctx.getShape());
    }
    NDManager out = ctx.getManager();
    try (NDManager scope = out.newSubManager()) {
      NDArray selected;
      int[] eotOfRows;
      if (rows == null) {
        selected = ids.duplicate();
        eotOfRows = eot;
      } else {
        eotOfRows = new int[rows.length];
        long[] index = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
          if (rows[i] < 0 || rows[i] >= names.size()) {
            throw new IndexOutOfBoundsException(
                "row " + rows[i] + " outside [0, " + names.size() + ")");
          }
          index[i] = rows[i];
          eotOfRows[i] = eot[rows[i]];
        }
        try (NDArray indices = scope.create(index)) {
          selected = ids.get(indices);
        }
      }
      selected.attach(scope);
      NDArray embedded = text.embedTokens(selected); // [C, T, W]
      long c = selected.getShape().get(0);
      NDArray spliced =
          NDArrays.concat(
              new NDList(
                  embedded.get(":, :1, :"),
                  ctx.expandDims(0).broadcast(new Shape(c, nCtx, width())),
                  embedded.get(":, {}:, :", 1 + nCtx)),
              1); // [C, T, W]
      NDArray features = text.encodeEmbeddings(spliced, eotOfRows); // [C, proj]
      features.attach(out);
      return features;
    }
  }

  /** {@link #features(NDArray)} for serving: plain arrays, no gradient. */
  public float[][] features(float[] ctxValues) {
    try (NDManager m = manager.newSubManager()) {
      NDArray ctx = m.create(ctxValues, new Shape(nCtx, width()));
      NDArray features = features(ctx);
      int proj = (int) features.getShape().get(1);
      float[] flat = features.toFloatArray();
      float[][] rows = new float[names.size()][proj];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(flat, i * proj, rows[i], 0, proj);
      }
      return rows;
    }
  }

  @Override
  public void close() {
    manager.close();
  }

  static String prefix(int nCtx) {
    return String.join(" ", java.util.Collections.nCopies(nCtx, PLACEHOLDER));
  }

  static String prompt(String prefix, String name) {
    return prefix + " " + name + ".";
  }

  /** Position of the end-of-text token: the largest id, as the encoder pools it. */
  private static int endOfText(long[] ids) {
    int at = 0;
    for (int i = 1; i < ids.length; i++) {
      if (ids[i] > ids[at]) {
        at = i;
      }
    }
    return at;
  }

  private static ClipTokenizer tokenizer(ClipModel clip) {
    return clip.tokenizer()
        .orElseThrow(() -> new ClipException("the model directory has no tokenizer.json"));
  }
}
