package io.calmon.schemas.serde.confluent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calmon.schemas.serde.confluent.SchemaRegistryException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for the two calls of Confluent Schema Registry's REST API that Avro serialization needs:
 *
 * <ul>
 *   <li>{@code POST /subjects/{subject}/versions} with {@code {"schema": "<schema JSON>"}}
 *       registers a schema under a subject and answers {@code {"id": N}}; registering a schema the
 *       subject already has answers its existing id.
 *   <li>{@code GET /schemas/ids/{id}} answers {@code {"schema": "<schema JSON>"}} (and a {@code
 *       schemaType} for schemas other than Avro).
 * </ul>
 *
 * <p>Both answers are cached for the life of the client: each (subject, schema) pair is registered
 * once and each id fetched once; a schema registered through this client is also known by its id
 * without a fetch. Failures are not cached. Ids never change meaning in a registry, so the caches
 * need no expiry.
 *
 * <p>Several comma-separated base URLs may be given; each request tries them in order and moves on
 * when one cannot be reached or fails with a server error (HTTP 5xx). Every failure is a {@link
 * SchemaRegistryException} whose message names the URL and never the password.
 *
 * <p>Thread-safe: one client can serve every codec of a process.
 */
public final class SchemaRegistryClient {

  /** The content type of the registry's API, sent with every request. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /** How long a request may take when no timeout is configured. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /**
   * How long a call keeps trying a registry that cannot be reached or answers with a server error
   * (a restart, a failover) before it gives up, when nothing else is configured.
   */
  public static final Duration DEFAULT_RETRY_FOR = Duration.ofSeconds(30);

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);

  /** The registry's error code for "schema not found" (with HTTP 404). */
  static final int SCHEMA_NOT_FOUND = 40403;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> urls;
  private final String user;
  private final String authorization;
  private final Duration requestTimeout;
  private final Duration retryFor;
  private final boolean customTls;
  private final HttpClient http;
  private final Map<Registration, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

  private record Registration(String subject, Schema schema) {}

  private record Answer(String url, int status, JsonNode body) {
    String registryMessage() {
      JsonNode message = body == null ? null : body.get("message");
      return message == null || !message.isTextual() || message.asText().isBlank()
          ? null
          : message.asText();
    }

    int errorCode() {
      JsonNode code = body == null ? null : body.get("error_code");
      return code == null || !code.canConvertToInt() ? 0 : code.asInt();
    }
  }

  private SchemaRegistryClient(Builder builder) {
    this.urls = builder.urls;
    this.user = builder.user;
    this.authorization = builder.authorization;
    this.requestTimeout = builder.requestTimeout;
    this.retryFor = builder.retryFor;
    this.customTls = builder.sslContext != null;
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(requestTimeout);
    if (builder.sslContext != null) {
      http.sslContext(builder.sslContext);
    }
    this.http = http.build();
  }

  /**
   * Starts configuring a client.
   *
   * @param urls one base URL, or several separated by commas, each {@code http://} or {@code
   *     https://} (for example {@code http://registry-1:8081,http://registry-2:8081})
   * @throws IllegalArgumentException if a URL is malformed, not http(s), or carries credentials
   */
  public static Builder builder(String urls) {
    return new Builder(parseUrls(urls));
  }

  /** The base URLs, in the order requests try them. */
  public List<String> urls() {
    return urls;
  }

  /**
   * The id of {@code schema} under {@code subject}, registering it if the subject does not have it
   * yet. Asks the registry once per (subject, schema) pair.
   *
   * @throws SchemaRegistryException if the registry refuses the schema (incompatible, invalid), the
   *     credentials, or cannot be reached
   */
  public int register(String subject, Schema schema) {
    Objects.requireNonNull(schema, "schema");
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("a schema registry subject must not be empty");
    }
    return ids.computeIfAbsent(
        new Registration(subject, schema),
        registration -> {
          int id = registerRemotely(registration.subject(), registration.schema());
          schemas.putIfAbsent(id, registration.schema());
          return id;
        });
  }

  /**
   * The Avro schema the registry holds under {@code id}. Asks the registry once per id.
   *
   * @throws SchemaRegistryException with {@link Kind#UNKNOWN_SCHEMA_ID} if the registry has no such
   *     id, {@link Kind#NOT_AVRO} if it is not an Avro schema, or another kind if the registry
   *     cannot be asked
   */
  public Schema schemaById(int id) {
    return schemas.computeIfAbsent(id, this::fetch);
  }

  private int registerRemotely(String subject, Schema schema) {
    String action = "registering a schema for subject " + subject;
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(Map.of("schema", schema.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the registration of " + schema.getName(), e);
    }
    Answer answer =
        send(
            action,
            url ->
                request(url + "/subjects/" + pathSegment(subject) + "/versions")
                    .header("Content-Type", CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build());
    int status = answer.status();
    if (status >= 200 && status < 300) {
      JsonNode id = answer.body() == null ? null : answer.body().get("id");
      if (id == null || !id.isIntegralNumber() || !id.canConvertToInt()) {
        throw new SchemaRegistryException(
            Kind.UNEXPECTED_RESPONSE,
            "the schema registry at "
                + answer.url()
                + " answered "
                + action
                + " without a schema id; check that the URL points at a schema registry");
      }
      return id.asInt();
    }
    if (status == 409) {
      throw new SchemaRegistryException(
          Kind.INCOMPATIBLE_SCHEMA,
          "schema registry refused the schema for subject "
              + subject
              + " as incompatible: "
              + reasonOf(answer));
    }
    if (status == 422) {
      throw new SchemaRegistryException(
          Kind.INVALID_SCHEMA,
          "schema registry refused the schema for subject "
              + subject
              + " as invalid: "
              + reasonOf(answer));
    }
    throw refused(answer, action);
  }

  private Schema fetch(int id) {
    String action = "fetching schema id " + id;
    Answer answer = send(action, url -> request(url + "/schemas/ids/" + id).GET().build());
    int status = answer.status();
    if (status == 404 && answer.errorCode() == SCHEMA_NOT_FOUND) {
      throw new SchemaRegistryException(
          Kind.UNKNOWN_SCHEMA_ID,
          "unknown schema id " + id + ": the schema registry at " + answer.url() + " has none");
    }
    if (status < 200 || status >= 300) {
      throw refused(answer, action);
    }
    JsonNode type = answer.body() == null ? null : answer.body().get("schemaType");
    if (type != null && type.isTextual() && !type.asText().equalsIgnoreCase("AVRO")) {
      throw new SchemaRegistryException(
          Kind.NOT_AVRO,
          "schema id "
              + id
              + " in the schema registry at "
              + answer.url()
              + " is a "
              + type.asText()
              + " schema, not Avro");
    }
    JsonNode text = answer.body() == null ? null : answer.body().get("schema");
    if (text == null || !text.isTextual()) {
      throw new SchemaRegistryException(
          Kind.UNEXPECTED_RESPONSE,
          "the schema registry at "
              + answer.url()
              + " answered "
              + action
              + " without a schema; check that the URL points at a schema registry");
    }
    try {
      return new Schema.Parser().parse(text.asText());
    } catch (RuntimeException e) {
      throw new SchemaRegistryException(
          Kind.NOT_AVRO,
          "schema id "
              + id
              + " in the schema registry at "
              + answer.url()
              + " is not a readable Avro schema: "
              + e.getMessage(),
          e);
    }
  }

  private HttpRequest.Builder request(String uri) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(uri))
            .timeout(requestTimeout)
            .header("Accept", CONTENT_TYPE);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request;
  }

  /**
   * {@link #sendOnce}, again after a growing pause (200 ms, doubling, at most 5 s) while no URL
   * could be reached or every one answered with a server error, for up to the retry time; a
   * registry that restarts or fails over is waited for rather than stopping the service.
   */
  private Answer send(String action, Function<String, HttpRequest> requestFor) {
    long deadline = System.nanoTime() + retryFor.toNanos();
    Duration backoff = FIRST_BACKOFF;
    while (true) {
      try {
        return sendOnce(action, requestFor);
      } catch (SchemaRegistryException e) {
        boolean interrupted = Thread.currentThread().isInterrupted();
        if (!e.retriable() || interrupted || System.nanoTime() + backoff.toNanos() > deadline) {
          throw e;
        }
        LOG.warn("{}; trying again in {} ms", e.getMessage(), backoff.toMillis());
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }

  /**
   * Sends a request to each URL in turn until one answers with anything but a server error. Returns
   * that answer; throws when none did.
   */
  private Answer sendOnce(String action, Function<String, HttpRequest> requestFor) {
    List<String> failures = new ArrayList<>();
    boolean serverError = false;
    boolean tlsOnly = true;
    Throwable cause = null;
    for (String url : urls) {
      HttpResponse<byte[]> response;
      try {
        response = http.send(requestFor.apply(url), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        failures.add(url + " (" + connectionProblem(e) + ")");
        tlsOnly &= isTls(e);
        cause = e;
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(
            Kind.UNREACHABLE,
            "interrupted while " + action + " at the schema registry at " + url,
            e);
      }
      Answer answer = new Answer(url, response.statusCode(), json(response.body()));
      if (answer.status() >= 500) {
        serverError = true;
        String message = answer.registryMessage();
        failures.add(
            url + " (HTTP " + answer.status() + (message == null ? "" : ": " + message) + ")");
        continue;
      }
      return answer;
    }
    if (serverError) {
      throw new SchemaRegistryException(
          Kind.SERVER_ERROR,
          "the schema registry failed while " + action + ": " + String.join(", ", failures),
          cause);
    }
    throw new SchemaRegistryException(
        tlsOnly ? Kind.TLS_REFUSED : Kind.UNREACHABLE,
        "cannot reach the schema registry at " + String.join(", ", failures) + " while " + action,
        cause);
  }

  private static boolean isTls(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  /** The exception for a 4xx answer the call does not expect, 401 and 403 in particular. */
  private SchemaRegistryException refused(Answer answer, String action) {
    String message = answer.registryMessage();
    String detail = message == null ? "" : ": " + message;
    if (answer.status() == 401) {
      return new SchemaRegistryException(
          Kind.NOT_AUTHENTICATED,
          user == null
              ? "the schema registry at "
                  + answer.url()
                  + " requires credentials (HTTP 401) for "
                  + action
                  + "; configure basic auth as user:password"
              : "the schema registry at "
                  + answer.url()
                  + " did not accept the credentials of user "
                  + user
                  + " (HTTP 401) for "
                  + action
                  + "; check the user and password");
    }
    if (answer.status() == 403) {
      return new SchemaRegistryException(
          Kind.NOT_AUTHORIZED,
          "the schema registry at "
              + answer.url()
              + " denied "
              + (user == null ? "anonymous access" : "user " + user)
              + " (HTTP 403) when "
              + action
              + detail);
    }
    return new SchemaRegistryException(
        Kind.UNEXPECTED_RESPONSE,
        "the schema registry at "
            + answer.url()
            + " answered HTTP "
            + answer.status()
            + " to "
            + action
            + detail
            + (answer.status() == 404 ? "; check that the URL points at a schema registry" : ""));
  }

  private static String reasonOf(Answer answer) {
    String message = answer.registryMessage();
    return message == null ? "no reason given (HTTP " + answer.status() + ")" : message;
  }

  /** The body as JSON, or null when it is empty or not JSON. */
  private static JsonNode json(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Why a connection failed, in words (no exception class names). */
  private String connectionProblem(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "unknown host";
      }
      if (t instanceof SSLException) {
        return customTls
            ? "TLS handshake failed; check that the SSL context given trusts the registry's"
                + " certificate and that the certificate names this host"
            : "TLS handshake failed; the JVM's default trust store does not trust the registry's"
                + " certificate, or the certificate does not name this host: configure an SSL"
                + " context that trusts it";
      }
      if (t instanceof HttpConnectTimeoutException) {
        return "no connection within " + words(requestTimeout);
      }
      if (t instanceof HttpTimeoutException) {
        return "no answer within " + words(requestTimeout);
      }
      if (t instanceof ConnectException) {
        return "connection refused";
      }
    }
    return "the connection failed";
  }

  private static String words(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + " s" : millis + " ms";
  }

  private static String pathSegment(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static List<String> parseUrls(String urls) {
    if (urls == null || urls.isBlank()) {
      throw new IllegalArgumentException("no schema registry URL given");
    }
    List<String> parsed = new ArrayList<>();
    for (String part : urls.split(",")) {
      String raw = part.strip();
      if (raw.isEmpty()) {
        continue;
      }
      if (raw.indexOf('@') >= 0) {
        throw new IllegalArgumentException(
            "a schema registry URL must not carry credentials; configure basic auth as"
                + " user:password instead");
      }
      URI uri;
      try {
        uri = new URI(raw);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a schema registry URL: " + raw, e);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException(
            "a schema registry URL must start with http:// or https://, got " + raw);
      }
      if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "a schema registry URL must be scheme://host[:port][/path], got " + raw);
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      while (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      parsed.add(scheme + "://" + uri.getRawAuthority() + path);
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("no schema registry URL given");
    }
    return List.copyOf(parsed);
  }

  /** The URLs, the basic-auth user if any, and whether TLS is configured; never the password. */
  @Override
  public String toString() {
    return "SchemaRegistryClient[urls="
        + String.join(",", urls)
        + (user == null ? "" : ", user=" + user)
        + (customTls ? ", custom TLS" : "")
        + ", timeout="
        + words(requestTimeout)
        + "]";
  }

  /** Configures a {@link SchemaRegistryClient}. */
  public static final class Builder {
    private final List<String> urls;
    private String user;
    private String authorization;
    private SSLContext sslContext;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration retryFor = DEFAULT_RETRY_FOR;

    private Builder(List<String> urls) {
      this.urls = urls;
    }

    /**
     * HTTP basic authentication, sent with every request.
     *
     * @param userInfo {@code user:password} (the password may contain colons)
     * @throws IllegalArgumentException if there is no colon or the user is empty
     */
    public Builder basicAuth(String userInfo) {
      int colon = userInfo == null ? -1 : userInfo.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "schema registry basic auth must be given as user:password");
      }
      this.user = userInfo.substring(0, colon);
      this.authorization =
          "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /** The TLS context for {@code https://} URLs (default: the JVM's default context). */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /** How long connecting, and then each request, may take (default 10 s). */
    public Builder requestTimeout(Duration requestTimeout) {
      if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException("the schema registry request timeout must be positive");
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * How long a call keeps trying when no registry URL can be reached or every one answers with a
     * server error (default {@link #DEFAULT_RETRY_FOR}; zero: one try).
     */
    public Builder retryFor(Duration retryFor) {
      if (retryFor == null || retryFor.isNegative()) {
        throw new IllegalArgumentException("the schema registry retry time must not be negative");
      }
      this.retryFor = retryFor;
      return this;
    }

    /** The client. */
    public SchemaRegistryClient build() {
      return new SchemaRegistryClient(this);
    }
  }
}
