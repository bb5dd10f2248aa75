package io.calmon.cli;

import io.calmon.core.calibration.CalibrationEvaluator;
import io.calmon.core.calibration.CalibrationMetrics;
import io.calmon.core.calibration.CalibrationOptions;
import io.calmon.core.calibration.CalibrationRows;
import io.calmon.core.calibration.ExpectedCalibrationError;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code calmon calibration --input FILE.csv [--bins M] [--format json|text]}: the calibration
 * metrics of a file of labelled predictions (see {@link CalibrationCsvReader} for the format).
 * Everything is computed before anything is printed, so a bad row leaves stdout empty.
 */
@Command(
    name = "calibration",
    mixinStandardHelpOptions = true,
    description = {
      "Calibration metrics (ECE, ACE, MCE, reliability bins, ECE bootstrap interval; classwise"
          + " ECE, Brier and NLL for probability rows) of a CSV of labelled predictions.",
      "Header 'label,p0,p1,...' for probability rows or 'confidence,correct' for top-label rows."
    })
final class CalibrationCommand implements Callable<Integer> {

  /** Output formats. */
  enum Format {
    JSON,
    TEXT
  }

  @Spec CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "CSV file.")
  Path input;

  @Option(
      names = "--bins",
      paramLabel = "M",
      defaultValue = "" + ExpectedCalibrationError.DEFAULT_BINS,
      description = "Equal-width (and equal-mass) bins, 1 to 100000 (default: ${DEFAULT-VALUE}).")
  int bins;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "Output: json or text (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--resamples",
      defaultValue = "1000",
      description = "Bootstrap resamples for the ECE interval (default: ${DEFAULT-VALUE}).")
  int resamples;

  @Option(
      names = "--seed",
      defaultValue = "" + CalibrationOptions.DEFAULT_SEED,
      description = "Bootstrap seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    if (bins < 1 || bins > CalibrationOptions.MAX_BINS) {
      throw new UserError(
          "--bins must be between 1 and " + CalibrationOptions.MAX_BINS + ", got " + bins);
    }
    if (resamples < 1) {
      throw new UserError("--resamples must be at least 1, got " + resamples);
    }
    CalibrationOptions options =
        CalibrationOptions.defaults().withBins(bins).withResamples(resamples).withSeed(seed);
    CalibrationRows rows = CalibrationCsvReader.read(input);
    CalibrationMetrics metrics = CalibrationEvaluator.evaluate(rows, options);
    String rendered =
        format == Format.JSON
            ? CalibrationOutput.json(metrics)
            : CalibrationOutput.text(metrics, input.toString());
    PrintWriter out = spec.commandLine().getOut();
    out.print(rendered);
    out.flush();
    return 0;
  }
}
