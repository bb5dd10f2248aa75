package io.calmon.cli.bench;

import picocli.CommandLine.Command;

/**
 * {@code calmon bench ...}: benchmarks, one subcommand per component, each in its own file. Not
 * tests: they print figures for docs/BENCHMARKS.md.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks (figures for docs/BENCHMARKS.md).",
    subcommands = {
      ClipBenchCommand.class,
      MonitorBenchCommand.Monitor.class,
      ScorerBenchCommand.class,
      TuningBenchCommand.class,
    })
public final class BenchCommand {}
