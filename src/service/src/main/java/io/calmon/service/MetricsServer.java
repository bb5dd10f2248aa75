package io.calmon.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link MetricsRegistry} at {@code GET /metrics} in the Prometheus text format (what its
 * Micrometer registry scrapes), on the JDK's own HTTP server. One daemon thread; scrapes are rare
 * and cheap.
 *
 * <pre>{@code
 * try (MetricsServer server = MetricsServer.start("0.0.0.0", 9404, registry)) { ... }
 * }</pre>
 */
public final class MetricsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts serving.
   *
   * @param host the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
   * @param port the port; 0 picks a free one ({@link #port()} tells which)
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static MetricsServer start(String host, int port, MetricsRegistry registry) {
    return start(host, port, registry, Optional::empty);
  }

  /**
   * As {@link #start(String, int, MetricsRegistry)}, also answering {@code GET /health}: 200 and
   * {@code ok} while {@code problem} is empty, else 503 and the problem in a sentence (what a
   * container healthcheck or a load balancer asks; {@code calmon health} asks it too).
   */
  public static MetricsServer start(
      String host, int port, MetricsRegistry registry, Supplier<Optional<String>> problem) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("metrics port must be in 0..65535, got " + port);
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port, e);
    }
    server.createContext("/metrics", exchange -> respond(exchange, registry));
    server.createContext("/health", exchange -> health(exchange, problem));
    server.createContext("/", MetricsServer::notFound);
    server.setExecutor(null); // the server's own dispatcher thread answers
    server.start();
    LOG.info("metrics at http://{}:{}/metrics", host, server.getAddress().getPort());
    return new MetricsServer(server);
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, MetricsRegistry registry) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())
          && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      try {
        body = registry.render().getBytes(StandardCharsets.UTF_8);
      } catch (RuntimeException e) {
        LOG.warn("rendering metrics failed", e);
        exchange.sendResponseHeaders(500, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(200, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private static void health(HttpExchange exchange, Supplier<Optional<String>> problem)
      throws IOException {
    try (exchange) {
      Optional<String> trouble;
      try {
        trouble = problem.get();
      } catch (RuntimeException e) {
        trouble = Optional.of("the health check failed");
      }
      byte[] body = (trouble.orElse("ok") + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(trouble.isEmpty() ? 200 : 503, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void notFound(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.sendResponseHeaders(404, -1);
    }
  }

  /** Stops serving at once. */
  @Override
  public void close() {
    server.stop(0);
  }
}
