package io.calmon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's {@code --help} renders: picocli formats descriptions as format strings, so a bare
 * {@code %} in one ("10-20% from") made it print a warning to the user and the text unformatted.
 */
class UsageHelpTest {

  @Test
  void shouldRenderEveryCommandsHelpWithoutAWarning() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<String> commands = new ArrayList<>();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      visit(Calmon.commandLine(), commands);
    } finally {
      System.setErr(err);
    }
    assertFalse(commands.size() < 10, "commands found: " + commands);
    assertEquals("", captured.toString(StandardCharsets.UTF_8), "while rendering " + commands);
  }

  private static void visit(CommandLine command, List<String> seen) {
    String usage = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
    assertFalse(usage.contains("%n"), command.getCommandName() + ": unformatted description");
    seen.add(command.getCommandName());
    for (CommandLine sub : command.getSubcommands().values()) {
      visit(sub, seen);
    }
  }
}
