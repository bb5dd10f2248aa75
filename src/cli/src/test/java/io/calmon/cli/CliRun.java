package io.calmon.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** Runs the calmon command line in this JVM with captured stdout and stderr. */
final class CliRun {

  final StringWriter err = new StringWriter();
  final LineWriter out = new LineWriter();
  int exitCode = -1;

  static CliRun run(String... args) {
    CliRun run = new CliRun();
    run.exitCode = run.commandLine().execute(args);
    return run;
  }

  CommandLine commandLine() {
    CommandLine cli = Calmon.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }

  /** Collects what is written into lines that a test can wait for. */
  static final class LineWriter extends Writer {
    private final StringBuilder partial = new StringBuilder();
    private final StringBuilder all = new StringBuilder();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @Override
    public synchronized void write(char[] buf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        char c = buf[i];
        all.append(c);
        if (c == '\n') {
          lines.add(partial.toString().stripTrailing());
          partial.setLength(0);
        } else {
          partial.append(c);
        }
      }
    }

    /** The next complete line, or null if none came within {@code patience}. */
    String nextLine(Duration patience) throws InterruptedException {
      return lines.poll(patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized String text() {
      return all.toString();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
