package io.calmon.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/** How a service command ends: 0 when stopped on request, else one line in words and 1. */
final class ServiceExit {
  private ServiceExit() {}

  /**
   * The exit code for a service that ended with {@code failure} (null: stopped on request). The
   * line names the service and says why in words; the exception with its stack is in the log.
   */
  static int code(CommandSpec spec, String service, Throwable failure) {
    if (failure == null) {
      return 0;
    }
    return code(
        spec,
        service,
        "stopped on an error: "
            + (failure.getMessage() == null ? "see the log" : failure.getMessage()));
  }

  /** Exit 1 with {@code calmon: SERVICE: WHY}. */
  static int code(CommandSpec spec, String service, String why) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("calmon: " + service + ": " + why);
    err.flush();
    return 1;
  }
}
