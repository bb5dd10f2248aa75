package io.calmon.schemas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * An in-process stand-in for a Confluent schema registry, on the JDK's HTTP server. It follows the
 * two documented calls a serializer needs:
 *
 * <ul>
 *   <li>{@code POST /subjects/{subject}/versions}, body {@code {"schema": "..."}}: answers {@code
 *       {"id": N}}, the same id for a schema it already holds (by Avro parsing canonical form) and
 *       the next id for a new one. Ids start at 1.
 *   <li>{@code GET /schemas/ids/{id}}: answers {@code {"schema": "..."}}, or 404 with error code
 *       40403.
 * </ul>
 *
 * Errors have the registry's body, {@code {"error_code": N, "message": "..."}}. It can be told to
 * require basic auth, refuse a subject's registrations with a status (409 for an incompatible
 * schema), forbid registration (403), fail every request (5xx) or answer slowly. It counts the
 * requests to each call.
 */
public final class RegistryStandIn implements AutoCloseable {
  /** The media type of the registry's REST API. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
  private static final Pattern FETCH = Pattern.compile("/schemas/ids/(-?\\d+)");

  private record Refusal(int status, int errorCode, String message) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final String url;
  private final AtomicInteger registrations = new AtomicInteger();
  private final AtomicInteger fetches = new AtomicInteger();

  // Guarded by this.
  private final Map<String, Integer> idByCanonicalForm = new HashMap<>();
  private final Map<Integer, String> textById = new HashMap<>();
  private final Map<Integer, String> typeById = new HashMap<>();
  private final Map<String, List<Integer>> idsBySubject = new LinkedHashMap<>();
  private final Map<String, Refusal> refusals = new HashMap<>();
  private int nextId = 1;

  private volatile String expectedAuthorization;
  private volatile boolean registrationForbidden;
  private volatile int failingStatus;
  private volatile Duration delay = Duration.ZERO;

  private RegistryStandIn(HttpServer server, String scheme) {
    this.server = server;
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
    this.url = scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A stand-in on a free port of the loopback interface, over plain HTTP. */
  public static RegistryStandIn start() throws IOException {
    return new RegistryStandIn(
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), "http");
  }

  /** A stand-in on a free port of the loopback interface, over HTTPS with the given context. */
  public static RegistryStandIn startTls(SSLContext tls) throws IOException {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    return new RegistryStandIn(server, "https");
  }

  /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
  public String url() {
    return url;
  }

  /** How many registration requests arrived (answered or refused). */
  public int registrations() {
    return registrations.get();
  }

  /** How many fetch-by-id requests arrived (answered or refused). */
  public int fetches() {
    return fetches.get();
  }

  /** Requires {@code Authorization: Basic base64(user:password)} on every request. */
  public RegistryStandIn requireBasicAuth(String user, String password) {
    expectedAuthorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** Answers every registration under {@code subject} with this status and error body. */
  public synchronized RegistryStandIn refuse(
      String subject, int status, int errorCode, String message) {
    refusals.put(subject, new Refusal(status, errorCode, message));
    return this;
  }

  /** Answers every registration with 403, as for a read-only user. */
  public RegistryStandIn forbidRegistration() {
    registrationForbidden = true;
    return this;
  }

  /** Answers every request with this server-error status; 0 to answer normally again. */
  public RegistryStandIn failWith(int status) {
    failingStatus = status;
    return this;
  }

  /** Waits this long before answering each request. */
  public RegistryStandIn delay(Duration delay) {
    this.delay = delay;
    return this;
  }

  /** Stores a schema of another type (e.g. PROTOBUF) directly; returns its id. */
  public synchronized int addForeignSchema(String schemaType, String text) {
    int id = nextId++;
    textById.put(id, text);
    typeById.put(id, schemaType);
    return id;
  }

  /** The ids registered under {@code subject}, in registration order. */
  public synchronized List<Integer> idsOf(String subject) {
    return List.copyOf(idsBySubject.getOrDefault(subject, List.of()));
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      Matcher register = REGISTER.matcher(path);
      Matcher fetch = FETCH.matcher(path);
      boolean isRegister = method.equals("POST") && register.matches();
      boolean isFetch = method.equals("GET") && fetch.matches();
      if (isRegister) {
        registrations.incrementAndGet();
      } else if (isFetch) {
        fetches.incrementAndGet();
      }
      pause();
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (failingStatus != 0) {
        error(exchange, failingStatus, 50001, "Error in the backend data store");
        return;
      }
      String expected = expectedAuthorization;
      if (expected != null
          && !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        error(exchange, 401, 401, "Unauthorized");
        return;
      }
      if (isRegister) {
        register(exchange, register.group(1), body);
      } else if (isFetch) {
        fetch(exchange, Integer.parseInt(fetch.group(1)));
      } else {
        error(exchange, 404, 404, "HTTP 404 Not Found");
      }
    }
  }

  private void register(HttpExchange exchange, String subject, byte[] body) throws IOException {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType == null || !contentType.startsWith(CONTENT_TYPE)) {
      error(exchange, 415, 415, "HTTP 415 Unsupported Media Type");
      return;
    }
    if (registrationForbidden) {
      error(exchange, 403, 40301, "User is denied operation Write on Subject: " + subject);
      return;
    }
    Refusal refusal;
    synchronized (this) {
      refusal = refusals.get(subject);
    }
    if (refusal != null) {
      error(exchange, refusal.status(), refusal.errorCode(), refusal.message());
      return;
    }
    String text;
    Schema schema;
    try {
      JsonNode request = JSON.readTree(body);
      text = request.get("schema").asText();
      schema = new Schema.Parser().parse(text);
    } catch (RuntimeException | IOException e) {
      error(exchange, 422, 42201, "Invalid schema");
      return;
    }
    int id;
    synchronized (this) {
      String canonical = SchemaNormalization.toParsingForm(schema);
      Integer known = idByCanonicalForm.get(canonical);
      if (known == null) {
        known = nextId++;
        idByCanonicalForm.put(canonical, known);
        textById.put(known, text);
      }
      id = known;
      List<Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
      if (!ids.contains(id)) {
        ids.add(id);
      }
    }
    answer(exchange, 200, Map.of("id", id));
  }

  private void fetch(HttpExchange exchange, int id) throws IOException {
    String text;
    String type;
    synchronized (this) {
      text = textById.get(id);
      type = typeById.get(id);
    }
    if (text == null) {
      error(exchange, 404, 40403, "Schema " + id + " not found");
    } else if (type != null) {
      answer(exchange, 200, Map.of("schema", text, "schemaType", type));
    } else {
      answer(exchange, 200, Map.of("schema", text));
    }
  }

  private void pause() {
    long millis = delay.toMillis();
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void error(HttpExchange exchange, int status, int code, String message)
      throws IOException {
    answer(exchange, status, Map.of("error_code", code, "message", message));
  }

  private static void answer(HttpExchange exchange, int status, Map<String, Object> body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** Reads a schema from the test classpath. */
  public static Schema schemaResource(String resource) throws IOException {
    try (InputStream in = RegistryStandIn.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing resource " + resource);
      }
      return new Schema.Parser().parse(in);
    }
  }
}
