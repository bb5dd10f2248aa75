package io.calmon.cli.clip;

import io.calmon.cli.ClipModels;
import io.calmon.cli.UserError;
import io.calmon.clip.ClipConfig;
import io.calmon.clip.ClipModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code calmon clip random --architecture vit-b32 --out DIR}: a model directory of a real CLIP
 * architecture with random weights, for measuring what a model of that size costs (the scorer's
 * benchmark, a deployment's sizing) where no real weights can be had. It predicts nothing useful.
 */
@Command(
    name = "random",
    mixinStandardHelpOptions = true,
    description = {
      "Write a model directory of a CLIP architecture with random weights (for benchmarks and",
      "sizing; it classifies nothing). The tokenizer is copied from --tokenizer-from."
    })
final class ClipRandomCommand implements Callable<Integer> {

  /** The architectures it writes. */
  enum Architecture {
    VIT_B32("vit-b32"),
    VIT_B16("vit-b16");

    /** How the flag names it. */
    final String flag;

    Architecture(String flag) {
      this.flag = flag;
    }

    ClipConfig config() {
      return this == VIT_B32 ? ClipConfig.vitB32() : ClipConfig.vitB16();
    }
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--architecture",
      defaultValue = "vit-b32",
      converter = ArchitectureConverter.class,
      description = "vit-b32 or vit-b16 (default: ${DEFAULT-VALUE}).")
  Architecture architecture;

  @Option(names = "--out", required = true, description = "Directory to write (must not exist).")
  Path out;

  @Option(
      names = "--tokenizer-from",
      description = "Model directory whose tokenizer.json to copy (default: the shipped model).")
  Path tokenizerFrom;

  @Option(names = "--seed", defaultValue = "1", description = "Weight seed (default: 1).")
  long seed;

  @Override
  public Integer call() throws IOException {
    if (Files.exists(out)) {
      throw new UserError("--out " + out + " already exists");
    }
    Path tokenizer = ClipModels.directory(tokenizerFrom).resolve(ClipModel.TOKENIZER);
    if (!Files.isRegularFile(tokenizer)) {
      throw new UserError(
          "--tokenizer-from: no " + ClipModel.TOKENIZER + " in " + tokenizer.getParent());
    }
    String sha256;
    try (ClipModel model = ClipModel.random(architecture.config(), seed, null)) {
      sha256 = model.save(out);
    }
    Files.copy(tokenizer, out.resolve(ClipModel.TOKENIZER));
    PrintWriter printer = spec.commandLine().getOut();
    printer.printf(
        "wrote %s: %s with random weights (seed %d), weights sha256 %s%n",
        out, architecture.flag, seed, sha256);
    printer.flush();
    return 0;
  }

  /** {@code vit-b32} or {@code vit-b16}, any case. */
  static final class ArchitectureConverter implements ITypeConverter<Architecture> {
    @Override
    public Architecture convert(String value) {
      for (Architecture a : Architecture.values()) {
        if (a.flag.equalsIgnoreCase(value)) {
          return a;
        }
      }
      throw new TypeConversionException("expected vit-b32 or vit-b16, got '" + value + "'");
    }
  }
}
