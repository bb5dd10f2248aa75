package io.calmon.cli.train;

import picocli.CommandLine.Command;

/** {@code calmon eval ...}: evaluation protocols. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Evaluation protocols of the paper.",
    subcommands = {Base2NewCommand.class})
public final class EvalCommand {}
