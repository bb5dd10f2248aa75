package io.calmon.cli.world;

import io.calmon.world.TokenizerJson;
import io.calmon.world.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calmon world tokenizer}: the world's word-level tokenizer.json. */
@Command(
    name = "tokenizer",
    mixinStandardHelpOptions = true,
    description = "Writes the world's word-level tokenizer.json (Hugging Face tokenizers format).")
final class WorldTokenizerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "File to write.")
  Path out;

  @Override
  public Integer call() throws IOException {
    Vocabulary vocabulary = Vocabulary.world();
    TokenizerJson.write(vocabulary, out);
    spec.commandLine()
        .getOut()
        .printf("wrote %s (%d words + 4 special tokens)%n", out, vocabulary.words().size());
    return 0;
  }
}
