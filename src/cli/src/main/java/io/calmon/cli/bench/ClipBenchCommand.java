package io.calmon.cli.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code calmon bench clip}: CLIP encoder throughput against the matmul bound. */
@Command(
    name = "clip",
    mixinStandardHelpOptions = true,
    description =
        "Image encoder images/s (ViT-B/32, ViT-B/16; batch 1, 8, 32) against the bound of a"
            + " matmul timed in the same run; text encoder prompts/s with and without the"
            + " end-of-text cut; peak memory. Random weights.")
final class ClipBenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--quick", description = "Fewer repetitions, no ViT-B/16 batch 32.")
  boolean quick;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "libtorch intra-op threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Override
  public Integer call() {
    if (threads <= 0) {
      throw new io.calmon.cli.UserError("--threads must be > 0, got " + threads);
    }
    new ClipBenchmark(spec.commandLine().getOut(), quick, threads).run();
    return 0;
  }
}
