package io.calmon.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code calmon health --port P}: asks a running service's {@code /health} (on its {@code
 * --metrics-port}) and says what it answered; exit 0 when healthy, 1 when not or unreachable. What
 * a container healthcheck runs, in an image that has no HTTP client of its own.
 */
@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    description = {
      "Ask a running scorer, monitor or trainer whether it is healthy, at",
      "http://HOST:PORT/health (PORT: its --metrics-port). Exit 0 if it is, 1 if not."
    })
final class HealthCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", required = true, description = "The service's --metrics-port.")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(
      names = "--timeout",
      defaultValue = "5s",
      description = "How long to wait for the answer (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 1 || port > 65535) {
      throw new UserError("--port must be in 1..65535, got " + port);
    }
    Duration wait = DurationFlag.parse("--timeout", timeout);
    URI uri = URI.create("http://" + host + ":" + port + "/health");
    HttpClient client = HttpClient.newBuilder().connectTimeout(wait).build();
    try {
      HttpResponse<String> answer =
          client.send(
              HttpRequest.newBuilder(uri).timeout(wait).build(),
              HttpResponse.BodyHandlers.ofString());
      String said = answer.body().strip();
      spec.commandLine()
          .getOut()
          .println(uri + ": " + (said.isEmpty() ? answer.statusCode() : said));
      spec.commandLine().getOut().flush();
      return answer.statusCode() == 200 ? 0 : 1;
    } catch (IOException e) {
      spec.commandLine().getErr().println("calmon: no answer from " + uri);
      spec.commandLine().getErr().flush();
      return 1;
    }
  }
}
