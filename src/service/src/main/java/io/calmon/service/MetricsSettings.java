package io.calmon.service;

/** The metrics endpoint's keys, the same for every service: {@code metrics-host}, {@code -port}. */
public final class MetricsSettings {

  /** The address the endpoint binds by default: this machine only. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  private MetricsSettings() {}

  /** Adds the keys to {@code builder}. */
  public static LayeredConfig.Builder define(LayeredConfig.Builder builder) {
    return builder
        .define("metrics-host", DEFAULT_HOST, "ADDRESS", "address the metrics endpoint binds")
        .define(
            "metrics-port",
            "0",
            "PORT",
            "serve Prometheus metrics at /metrics and health at /health on this port; 0 = off");
  }

  /** The endpoint's address. */
  public static String host(LayeredConfig config) {
    return config.string("metrics-host");
  }

  /** The endpoint's port, 0 for none. */
  public static int port(LayeredConfig config) {
    return config.integer("metrics-port", 0, 65535);
  }
}
