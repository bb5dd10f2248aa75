package io.calmon.cli.clip;

import io.calmon.cli.ClipModels;
import io.calmon.clip.ClipConfig;
import io.calmon.clip.ClipModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calmon clip info --model DIR}: architecture and parameter count. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Print a CLIP model's architecture and parameter count.")
final class ClipInfoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "Model directory.")
  Path model;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (ClipModel m = ClipModels.load(model)) {
      ClipConfig c = m.config();
      out.printf("model:      %s%n", model);
      out.printf(
          "vision:     ViT %d px, patch %d (%d tokens), width %d, %d layers, %d heads, %s%n",
          c.vision().imageSize(),
          c.vision().patchSize(),
          c.vision().numPositions(),
          c.vision().hiddenSize(),
          c.vision().numHiddenLayers(),
          c.vision().numAttentionHeads(),
          c.vision().hiddenAct().hfName());
      out.printf(
          "text:       width %d, %d layers, %d heads, context %d, vocabulary %d, %s%n",
          c.text().hiddenSize(),
          c.text().numHiddenLayers(),
          c.text().numAttentionHeads(),
          c.text().maxPositionEmbeddings(),
          c.text().vocabSize(),
          c.text().hiddenAct().hfName());
      out.printf("embedding:  %d%n", c.projectionDim());
      out.printf("logit scale: %.4f (exp %.2f)%n", m.logitScale(), Math.exp(m.logitScale()));
      out.printf("parameters: %,d%n", m.parameterCount());
      out.printf("image GFLOPs: %.2f per image%n", m.imageEncoder().flopsPerImage() / 1e9);
      out.printf("weights sha256: %s%n", m.weightsSha256().orElse("-"));
      out.printf("tokenizer:  %s%n", m.tokenizer().isPresent() ? "tokenizer.json" : "none");
      out.flush();
    }
    return 0;
  }
}
