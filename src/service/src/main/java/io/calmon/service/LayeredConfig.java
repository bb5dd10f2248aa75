package io.calmon.service;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A service's configuration in four layers: code defaults, then a properties file ({@code --config
 * FILE}), then environment variables, then flags; a later layer wins. Keys are the flag names
 * without their dashes ({@code window-size}), so a properties file reads like the command line; the
 * environment variable of a key is {@code CALMON_} and the key in upper case with {@code _} for
 * {@code -} ({@code CALMON_WINDOW_SIZE}). Unknown keys in the file or on the command line are
 * refused (a typo must not silently fall back to a default); variables that name no key of this
 * service are left alone, since one environment often serves several services.
 *
 * <p>The typed getters check each value once, at start-up, and throw a {@link ConfigException}
 * whose message is one line naming the key, the allowed range, the value and where it came from.
 *
 * <pre>{@code
 * LayeredConfig config = LayeredConfig.builder()
 *     .define("bins", "15", "equal-width bins")
 *     .file(Path.of("monitor.properties"))   // optional
 *     .flag("bins", "20")                    // only flags the user gave
 *     .build();
 * int bins = config.integer("bins", 1, 1000);
 * }</pre>
 */
public final class LayeredConfig {

  /** What every environment variable of a key starts with. */
  public static final String ENV_PREFIX = "CALMON_";

  /** The environment variable naming the properties file when {@code --config} is absent. */
  public static final String CONFIG_ENV = ENV_PREFIX + "CONFIG";

  private final Map<String, String> values;
  private final Map<String, String> sources;
  private final Map<String, String> docs;

  private LayeredConfig(Builder builder) {
    this.values = Map.copyOf(builder.values);
    this.sources = Map.copyOf(builder.sources);
    this.docs = Map.copyOf(builder.docs);
  }

  /** The environment variable of {@code key}: {@code window-size} is {@code CALMON_WINDOW_SIZE}. */
  public static String environmentVariable(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The raw value of a defined key, or null if it has no default and was not given. */
  public String raw(String key) {
    requireDefined(key);
    return values.get(key);
  }

  /**
   * Where the value of {@code key} came from: {@code default}, {@code file F}, {@code $CALMON_KEY}
   * or {@code --key}.
   */
  public String source(String key) {
    requireDefined(key);
    return sources.getOrDefault(key, "default");
  }

  /** One key as a command line shows it: its doc, default (null for none) and value label. */
  public record Definition(String key, String doc, String defaultValue, String label) {
    /** Whether the key is a switch: given alone on the command line, it means {@code true}. */
    public boolean isSwitch() {
      return SWITCH.equals(label);
    }
  }

  /** The label of a key that is a switch ({@link Builder#defineSwitch}). */
  static final String SWITCH = "switch";

  /** The keys this config knows, with their docs, sorted. */
  public Map<String, String> docs() {
    return new TreeMap<>(docs);
  }

  /** A required string value. */
  public String string(String key) {
    String value = raw(key);
    if (value == null || value.isBlank()) {
      throw new ConfigException(key, "must be set" + from(key));
    }
    return value.trim();
  }

  /** An optional string value: null when absent or blank. */
  public String optionalString(String key) {
    String value = raw(key);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** An optional path: null when absent or blank. */
  public Path optionalPath(String key) {
    String value = optionalString(key);
    return value == null ? null : Path.of(value);
  }

  /** A comma-separated list, blanks dropped; empty when absent. */
  public List<String> list(String key) {
    String value = optionalString(key);
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  /** An integer in [min, max]. */
  public int integer(String key, int min, int max) {
    return (int) longValue(key, min, max);
  }

  /** A long in [min, max]. */
  public long longValue(String key, long min, long max) {
    String value = string(key);
    try {
      long parsed = Long.parseLong(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below, with the range
    }
    throw invalid(key, "must be an integer in [" + min + ", " + max + "]");
  }

  /** A number strictly between {@code lowExclusive} and {@code highExclusive}. */
  public double fraction(String key, double lowExclusive, double highExclusive) {
    String value = string(key);
    try {
      double parsed = Double.parseDouble(value);
      if (parsed > lowExclusive && parsed < highExclusive) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below, with the range
    }
    throw invalid(key, "must be a number in (" + lowExclusive + ", " + highExclusive + ")");
  }

  /** A duration of at least {@code min} ({@link Durations} formats). */
  public Duration duration(String key, Duration min) {
    String value = string(key);
    Duration parsed;
    try {
      parsed = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw invalid(key, "must be " + Durations.FORMAT);
    }
    if (parsed.compareTo(min) < 0) {
      throw invalid(key, "must be at least " + Durations.format(min));
    }
    return parsed;
  }

  /** {@code true} or {@code false}. */
  public boolean bool(String key) {
    String value = string(key).toLowerCase(Locale.ROOT);
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    throw invalid(key, "must be true or false");
  }

  /**
   * An error for {@code key} with its current value and source, e.g. for a rule that spans keys and
   * is checked by a constructor.
   */
  public ConfigException invalid(String key, String rule) {
    return new ConfigException(key, rule + ", got '" + raw(key) + "'" + from(key));
  }

  private String from(String key) {
    return " (from " + source(key) + ")";
  }

  private void requireDefined(String key) {
    if (!docs.containsKey(key)) {
      throw new IllegalArgumentException("config key '" + key + "' is not defined");
    }
  }

  /** Collects definitions and layers; {@link #build()} checks that every given key is defined. */
  public static final class Builder {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, String> docs = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, String> defaults = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Map<String, String> environmentSources = new LinkedHashMap<>();
    private final Map<String, String> given = new LinkedHashMap<>();
    private final Map<String, String> givenSources = new LinkedHashMap<>();
    private final Map<String, String> fileValues = new LinkedHashMap<>();
    private final Map<String, String> fileSources = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Defines a key with its code default (null for none) and what it means. Definitions come first
     * (the environment layer reads the keys defined before it); the other layers may be added in
     * any order but apply as defaults, file, environment, flags.
     */
    public Builder define(String key, String defaultValue, String doc) {
      Objects.requireNonNull(key, "key");
      if (docs.put(key, Objects.requireNonNull(doc, "doc")) != null) {
        throw new IllegalArgumentException("config key '" + key + "' defined twice");
      }
      if (defaultValue != null) {
        values.put(key, defaultValue);
        defaults.put(key, defaultValue);
      }
      return this;
    }

    /**
     * Defines a key with the label its value shows on the command line ({@code DURATION}, {@code
     * FILE}, {@code HOST:PORT[,...]}).
     */
    public Builder define(String key, String defaultValue, String label, String doc) {
      define(key, defaultValue, doc);
      labels.put(key, Objects.requireNonNull(label, "label"));
      return this;
    }

    /** Defines a switch: false unless given; on the command line the flag alone means true. */
    public Builder defineSwitch(String key, String doc) {
      return define(key, "false", SWITCH, doc);
    }

    /** The keys defined so far, in definition order, as a command line shows them. */
    public List<Definition> definitions() {
      List<Definition> all = new ArrayList<>();
      for (Map.Entry<String, String> e : docs.entrySet()) {
        all.add(
            new Definition(
                e.getKey(),
                e.getValue(),
                defaults.get(e.getKey()),
                labels.getOrDefault(e.getKey(), "VALUE")));
      }
      return all;
    }

    /**
     * The environment layer: for every defined key, its variable ({@link #environmentVariable})
     * when set. Variables that name no key are ignored.
     */
    public Builder environment(Map<String, String> variables) {
      for (String key : docs.keySet()) {
        String name = environmentVariable(key);
        String value = variables.get(name);
        if (value != null) {
          environment.put(key, value);
          environmentSources.put(key, "$" + name);
        }
      }
      return this;
    }

    /**
     * Reads a properties file (ISO-8859-1 escapes aside, read as UTF-8).
     *
     * @throws ConfigException (key {@code config}) if the file cannot be read
     */
    public Builder file(Path path) {
      if (path == null) {
        return this;
      }
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        properties.load(reader);
      } catch (IOException | IllegalArgumentException e) {
        String why =
            e instanceof NoSuchFileException
                ? "no such file"
                : e instanceof AccessDeniedException ? "not readable" : e.getMessage();
        throw new ConfigException("config", "cannot read properties file " + path + ": " + why, e);
      }
      for (String key : new TreeSet<>(properties.stringPropertyNames())) {
        fileValues.put(key, properties.getProperty(key));
        fileSources.put(key, "file " + path);
      }
      return this;
    }

    /** A value given on the command line; null means the flag was not given. */
    public Builder flag(String key, Object value) {
      if (value != null) {
        given.put(key, value instanceof Duration d ? Durations.format(d) : value.toString());
        givenSources.put(key, "--" + key);
      }
      return this;
    }

    /**
     * Applies the layers.
     *
     * @throws ConfigException naming the first key that is not defined
     */
    public LayeredConfig build() {
      apply(fileValues, fileSources);
      apply(environment, environmentSources);
      apply(given, givenSources);
      return new LayeredConfig(this);
    }

    private void apply(Map<String, String> layer, Map<String, String> layerSources) {
      for (Map.Entry<String, String> e : layer.entrySet()) {
        if (!docs.containsKey(e.getKey())) {
          throw new ConfigException(
              e.getKey(),
              "unknown key (from "
                  + layerSources.get(e.getKey())
                  + "); known keys: "
                  + String.join(", ", new TreeSet<>(docs.keySet())));
        }
        values.put(e.getKey(), e.getValue());
        sources.put(e.getKey(), layerSources.get(e.getKey()));
      }
    }
  }
}
