package io.calmon.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns user errors into one line on stderr and exit code 2. Bad flags print the picocli message
 * and a pointer to --help; a {@link UserError} prints its message. Anything else is a bug and keeps
 * its stack trace.
 */
final class UserErrorHandler implements IParameterExceptionHandler, IExecutionExceptionHandler {

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("calmon: " + ex.getMessage());
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return Calmon.USER_ERROR;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult)
      throws Exception {
    if (ex instanceof UserError) {
      PrintWriter err = cmd.getErr();
      err.println("calmon: " + ex.getMessage());
      err.flush();
      return Calmon.USER_ERROR;
    }
    throw ex;
  }
}
