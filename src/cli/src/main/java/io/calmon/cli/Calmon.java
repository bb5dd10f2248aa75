package io.calmon.cli;

import io.calmon.cli.bench.BenchCommand;
import io.calmon.cli.clip.ClipCommand;
import io.calmon.cli.demo.DemoCommand;
import io.calmon.cli.train.EvalCommand;
import io.calmon.cli.train.TrainCommand;
import io.calmon.cli.world.WorldCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The single entry point: {@code calmon <command>}. Each subcommand is a thin edge that parses
 * flags, validates them into an immutable config and hands over to a core or a service.
 */
@Command(
    name = "calmon",
    mixinStandardHelpOptions = true,
    versionProvider = CalmonVersion.class,
    description = "Live calibration monitoring for prompt-tuned vision-language classifiers.",
    subcommands = {
      CommandLine.HelpCommand.class,
      CalibrationCommand.class,
      BrokerCommand.class,
      ScorerCommand.class,
      TopicsCommand.class,
      AclsCommand.class,
      MonitorCommand.class,
      ClassesCommand.class,
      ProduceCommand.class,
      ReportsCommand.Reports.class,
      ReportsCommand.Alerts.class,
      WorldCommand.class,
      ClipCommand.class,
      BenchCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      TrainerCommand.class,
      KeysCommand.class,
      HealthCommand.class,
      DemoCommand.class,
    })
public final class Calmon {

  private Calmon() {}

  /** Exit code for user errors: bad flags, bad input files. */
  public static final int USER_ERROR = 2;

  /** Avro's system property naming the packages whose generated classes it may instantiate. */
  static final String AVRO_TRUSTED_PACKAGES = "org.apache.avro.SERIALIZABLE_PACKAGES";

  public static void main(String[] args) {
    // Before any Avro class loads: Avro reads the property once. The launcher, the container image
    // and the test runners pass it, but a bare `java -jar calmon-cli.jar demo` did not, and then
    // every record was refused ("Forbidden io.calmon.schemas.ImageEvent") and dead-lettered.
    System.setProperty(
        AVRO_TRUSTED_PACKAGES, trustedPackages(System.getProperty(AVRO_TRUSTED_PACKAGES)));
    // Before anything logs: slf4j-simple reads its log file once.
    java.nio.file.Path log;
    try {
      log =
          RunLog.divert(
              args,
              java.nio.file.Path.of(System.getProperty("user.home"), ".calmon", "logs"),
              java.time.LocalDateTime.now());
    } catch (java.io.UncheckedIOException e) {
      log = null; // no writable home: the log stays on stderr
    }
    if (log != null) {
      System.err.println("calmon: log in " + log);
    }
    System.exit(run(args));
  }

  /**
   * The trusted-package list with calmon's own schemas in it: {@code current} unchanged if it
   * already names them, else with {@code io.calmon} appended (null or blank: {@code io.calmon}).
   */
  static String trustedPackages(String current) {
    if (current == null || current.isBlank()) {
      return "io.calmon";
    }
    for (String p : current.split(",")) {
      String t = p.trim();
      if (t.equals("io.calmon")) {
        return current;
      }
    }
    return current + ",io.calmon";
  }

  /** Runs the command line and returns its exit code; tests call this instead of {@link #main}. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The configured picocli command line, shared by {@link #run} and tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Calmon());
    cli.setParameterExceptionHandler(new UserErrorHandler());
    cli.setExecutionExceptionHandler(new UserErrorHandler());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }
}
