package io.calmon.kafka;

import io.calmon.schemas.serde.confluent.SchemaRegistryClient;
import io.calmon.schemas.serde.confluent.ValueFormat;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Kafka client properties given by the operator (a properties file, as Kafka's own tools take
 * {@code --command-config}): security settings such as {@code security.protocol}, {@code sasl.*}
 * and {@code ssl.*}, or client tuning. Built once per command and applied to every producer,
 * consumer, admin client and Kafka Streams instance it creates, so SASL_SSL with SCRAM, mutual TLS
 * and OAUTHBEARER work without calmon knowing about them.
 *
 * <pre>{@code
 * KafkaClientConfig kafka = KafkaClientConfig.load(Path.of("client.properties"));
 * Map<String, Object> p = new HashMap<>();
 * p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
 * kafka.applyTo(p); // security.protocol=SASL_SSL, sasl.jaas.config=..., ...
 * }</pre>
 *
 * <p>The value format is set here too, as Confluent's clients take it beside the Kafka properties:
 * {@code value.format=confluent} with {@code schema.registry.url} (and optionally {@code
 * basic.auth.user.info=USER:PASSWORD} with {@code basic.auth.credentials.source=USER_INFO}, and
 * {@code schema.registry.ssl.truststore.location}, {@code .password}, {@code .type} for a registry
 * behind TLS) writes calmon's topics in Confluent's wire format ({@link #valueFormat()}); these
 * keys are not handed to Kafka clients. Without them, Avro single-object encoding.
 *
 * <p>Keys that calmon sets itself for its guarantees (transactions, isolation, idempotence, serdes,
 * group and application ids, the bootstrap servers given by its own flag) are refused: a file that
 * changed them would break exactly-once without a word. Values of secret keys (see {@link
 * #isSecret}) never appear in {@link #toString()} or in {@link #redacted()}.
 */
public final class KafkaClientConfig {

  /** The environment variable naming the file when no flag does. */
  public static final String ENV = "CALMON_KAFKA_CONFIG";

  /** What a redacted value reads as. */
  public static final String REDACTED = "[redacted]";

  /**
   * Keys calmon owns, with the reason. A key given with a Kafka Streams client prefix ({@code
   * producer.}, {@code main.consumer.} ...) is the same key.
   */
  private static final Map<String, String> OWNED = owned();

  private static final List<String> CLIENT_PREFIXES =
      List.of(
          "main.consumer.",
          "restore.consumer.",
          "global.consumer.",
          "consumer.",
          "producer.",
          "admin.");

  /** Parts of a key that mark its value as secret (checked lower-case). */
  private static final List<String> SECRET_MARKS =
      List.of("password", "secret", "jaas.config", "token", "key", "user.info");

  /** Keys of the value format: read by calmon, never handed to a Kafka client. */
  private static final Set<String> FORMAT_KEYS =
      Set.of(
          "value.format",
          "schema.registry.url",
          "basic.auth.user.info",
          "basic.auth.credentials.source",
          "schema.registry.ssl.truststore.location",
          "schema.registry.ssl.truststore.password",
          "schema.registry.ssl.truststore.type");

  private static final KafkaClientConfig NONE =
      new KafkaClientConfig(null, Map.of(), ValueFormat.singleObject());

  private final Path file;
  private final Map<String, String> properties;
  private final ValueFormat valueFormat;

  private KafkaClientConfig(Path file, Map<String, String> properties, ValueFormat valueFormat) {
    this.file = file;
    this.properties = Collections.unmodifiableMap(new TreeMap<>(properties));
    this.valueFormat = valueFormat;
  }

  /** No extra properties: plaintext, unauthenticated clients (the embedded broker). */
  public static KafkaClientConfig none() {
    return NONE;
  }

  /**
   * Reads a Kafka client properties file.
   *
   * @throws IllegalArgumentException with a one-line message {@code FILE: reason} when the file is
   *     missing or unreadable, or sets a key calmon owns (the message names the key)
   */
  public static KafkaClientConfig load(Path file) {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such file");
    }
    Properties loaded = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      loaded.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          file
              + ": cannot read it ("
              + (e instanceof java.nio.charset.CharacterCodingException
                  ? "it is not UTF-8 text"
                  : "an input/output error")
              + ")",
          e);
    } catch (IllegalArgumentException e) {
      // A malformed \\uXXXX escape; the message would quote no value, but say it in words.
      throw new IllegalArgumentException(file + ": cannot read it (a malformed \\u escape)", e);
    }
    Map<String, String> properties = new LinkedHashMap<>();
    for (String key : loaded.stringPropertyNames()) {
      properties.put(key, loaded.getProperty(key).trim());
    }
    return of(file, properties);
  }

  /**
   * Client properties given in code (tests, embedding programs), checked as {@link #load} checks a
   * file.
   *
   * @param source what to name in a refusal, e.g. the file they came from (may be null)
   */
  public static KafkaClientConfig of(Path source, Map<String, String> properties) {
    for (String key : properties.keySet()) {
      String reason = ownedReason(key);
      if (reason != null) {
        throw new IllegalArgumentException(
            (source == null ? "kafka client properties" : source.toString())
                + ": "
                + key
                + " cannot be set here: "
                + reason);
      }
    }
    Map<String, String> format = new TreeMap<>();
    Map<String, String> client = new TreeMap<>();
    properties.forEach(
        (k, v) -> (FORMAT_KEYS.contains(k.trim()) ? format : client).put(k.trim(), v));
    String where = source == null ? "kafka client properties" : source.toString();
    return new KafkaClientConfig(source, client, valueFormat(where, format));
  }

  /** The value format the format keys describe; a bad one names its key. */
  private static ValueFormat valueFormat(String where, Map<String, String> format) {
    String kind = format.getOrDefault("value.format", "single-object");
    if (kind.equals("single-object")) {
      if (format.size() > (format.containsKey("value.format") ? 1 : 0)) {
        throw new IllegalArgumentException(
            where
                + ": "
                + format.keySet().stream().filter(k -> !k.equals("value.format")).findFirst().get()
                + " is set but value.format is not confluent");
      }
      return ValueFormat.singleObject();
    }
    if (!kind.equals("confluent")) {
      throw new IllegalArgumentException(
          where + ": value.format must be single-object or confluent, got '" + kind + "'");
    }
    String urls = format.get("schema.registry.url");
    if (urls == null || urls.isBlank()) {
      throw new IllegalArgumentException(
          where + ": value.format=confluent needs schema.registry.url");
    }
    SchemaRegistryClient.Builder registry;
    try {
      registry = SchemaRegistryClient.builder(urls);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": schema.registry.url: " + e.getMessage(), e);
    }
    String source = format.getOrDefault("basic.auth.credentials.source", "USER_INFO");
    if (!source.equals("USER_INFO")) {
      throw new IllegalArgumentException(
          where + ": basic.auth.credentials.source must be USER_INFO, got '" + source + "'");
    }
    String userInfo = format.get("basic.auth.user.info");
    if (userInfo != null) {
      try {
        registry.basicAuth(userInfo);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            where + ": basic.auth.user.info must be USER:PASSWORD", e);
      }
    }
    String truststore = format.get("schema.registry.ssl.truststore.location");
    if (truststore != null) {
      registry.sslContext(
          trusting(
              where,
              Path.of(truststore),
              format.getOrDefault("schema.registry.ssl.truststore.password", ""),
              format.getOrDefault("schema.registry.ssl.truststore.type", "PKCS12")));
    }
    return ValueFormat.confluent(registry.build());
  }

  /** A TLS context trusting the certificates of a trust store file. */
  private static SSLContext trusting(String where, Path file, String password, String type) {
    try (var in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, password.toCharArray());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          where
              + ": schema.registry.ssl.truststore.location: cannot read "
              + file
              + " as a "
              + type
              + " trust store with the given password",
          e);
    }
  }

  /**
   * How calmon's topic values are written and read: single-object encoding, or Confluent's wire
   * format through the configured schema registry.
   */
  public ValueFormat valueFormat() {
    return valueFormat;
  }

  /** Why calmon owns {@code key}, or null if the operator may set it. */
  static String ownedReason(String key) {
    String bare = key.trim();
    for (String prefix : CLIENT_PREFIXES) {
      if (bare.startsWith(prefix)) {
        bare = bare.substring(prefix.length());
        break;
      }
    }
    return OWNED.get(bare);
  }

  /**
   * Puts every property into {@code clientProperties} (a producer's, consumer's, admin client's or
   * Kafka Streams' configuration) and returns it.
   */
  public <M extends Map<? super String, ? super String>> M applyTo(M clientProperties) {
    clientProperties.putAll(properties);
    return clientProperties;
  }

  /** The properties, secrets included: for handing to Kafka only, never for printing. */
  public Map<String, String> properties() {
    return properties;
  }

  /** The file the properties came from, if any. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  public boolean isEmpty() {
    return properties.isEmpty();
  }

  /**
   * True if the value of {@code key} must never be printed: its name contains password, secret,
   * jaas.config, token or key ({@code ssl.key.password}, {@code sasl.jaas.config}, {@code
   * sasl.oauthbearer.client.credentials.client.secret} ...).
   */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return SECRET_MARKS.stream().anyMatch(k::contains);
  }

  /** The properties with every secret value replaced by {@value #REDACTED}, for printing. */
  public Map<String, String> redacted() {
    Map<String, String> shown = new TreeMap<>();
    properties.forEach((k, v) -> shown.put(k, isSecret(k) ? REDACTED : v));
    return Collections.unmodifiableMap(shown);
  }

  /**
   * {@code message} with every secret value of these properties (and every secret part of a JAAS
   * line: {@code password="..."}) replaced by {@value #REDACTED}: for error messages that quote
   * what Kafka was given.
   */
  public String scrub(String message) {
    if (message == null) {
      return null;
    }
    String out = message;
    for (Map.Entry<String, String> e : properties.entrySet()) {
      if (isSecret(e.getKey()) && !e.getValue().isEmpty()) {
        out = out.replace(e.getValue(), REDACTED);
      }
    }
    return out.replaceAll(
        "(?i)((password|secret|token)[A-Za-z_.]*\\s*=\\s*)(\"[^\"]*\"|\\S+)", "$1" + REDACTED);
  }

  /**
   * True if {@code message} (a Kafka client's refusal) is about these properties: it names one of
   * their keys, or the JAAS configuration they give.
   */
  public boolean isNamedIn(String message) {
    if (message == null || properties.isEmpty()) {
      return false;
    }
    return message.contains("JAAS") || properties.keySet().stream().anyMatch(message::contains);
  }

  /** The source, the redacted properties and the value format: safe to log. */
  @Override
  public String toString() {
    return (file == null ? "" : file + " ")
        + redacted()
        + (valueFormat.isConfluent() ? ", values " + valueFormat : "");
  }

  private static Map<String, String> owned() {
    String eos = "calmon sets it for exactly-once processing";
    String serde = "calmon reads and writes bytes and decodes them itself";
    String ids = "calmon derives it from the deployment, instance or application id";
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bootstrap.servers", "give it with --bootstrap-servers");
    m.put("transactional.id", ids);
    m.put("group.id", ids);
    m.put("group.instance.id", ids);
    m.put("application.id", ids);
    m.put("isolation.level", eos);
    m.put("enable.idempotence", eos);
    m.put("enable.auto.commit", eos);
    m.put("acks", eos);
    m.put("processing.guarantee", eos);
    for (String s : Set.of("key", "value")) {
      m.put(s + ".serializer", serde);
      m.put(s + ".deserializer", serde);
      m.put("default." + s + ".serde", serde);
    }
    return Map.copyOf(m);
  }
}
