package io.calmon.clip.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.calmon.clip.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A model directory's {@code tokenizer.json} through Hugging Face tokenizers: start and end tokens
 * from its post-processor, padded here with 0 to the context length. Thread-safe (the native
 * tokenizer is immutable once loaded).
 */
public final class ClipTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final Path file;
  private final int contextLength;

  private ClipTokenizer(HuggingFaceTokenizer tokenizer, Path file, int contextLength) {
    this.tokenizer = tokenizer;
    this.file = file;
    this.contextLength = contextLength;
  }

  /** Loads {@code tokenizer.json}; sequences are padded to {@code contextLength}. */
  public static ClipTokenizer load(Path file, int contextLength) {
    if (!Files.isRegularFile(file)) {
      throw new ModelFormatException("missing tokenizer file " + file);
    }
    try {
      HuggingFaceTokenizer t =
          HuggingFaceTokenizer.newInstance(
              file,
              Map.of(
                  "addSpecialTokens", "true",
                  "padding", "false",
                  "truncation", "false"));
      return new ClipTokenizer(t, file, contextLength);
    } catch (IOException | RuntimeException e) {
      throw new ModelFormatException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
    }
  }

  /** The {@code tokenizer.json} this was loaded from (copied when a model is saved). */
  public Path file() {
    return file;
  }

  /** The padded sequence length. */
  public int contextLength() {
    return contextLength;
  }

  /**
   * Token ids with start and end tokens, padded with 0 to the context length.
   *
   * @throws PromptTooLongException if the prompt does not fit, naming it
   */
  public long[] encode(String prompt) {
    Encoding encoding = tokenizer.encode(prompt, true, false);
    long[] ids = encoding.getIds();
    if (ids.length > contextLength) {
      throw new PromptTooLongException(
          "prompt '"
              + prompt
              + "' has "
              + ids.length
              + " tokens, more than the context length "
              + contextLength);
    }
    return Arrays.copyOf(ids, contextLength);
  }

  /** {@link #encode(String)} for each prompt: {@code [prompts, contextLength]}. */
  public long[][] encode(List<String> prompts) {
    return prompts.stream().map(this::encode).toArray(long[][]::new);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
