package io.calmon.broker.testing;

import io.calmon.broker.SaslSslListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a broker certificate for 127.0.0.1, made with the JDK's
 * own {@code keytool} (no download, no crypto library): the CA signs the broker's key, the broker's
 * PKCS12 keystore holds key and chain, and a truststore holds the CA for clients. EC keys (P-256)
 * keep it to about a second.
 *
 * @param brokerKeystore the broker's keystore (key, certificate, CA)
 * @param truststore the clients' truststore (the CA only)
 * @param password the password of both stores and of the broker's key
 */
public record TestCertificates(Path brokerKeystore, Path truststore, String password) {

  private static final String SAN = "SAN=ip:127.0.0.1,dns:localhost";

  /** Makes the CA, the broker certificate and the truststore under {@code dir}. */
  public static TestCertificates create(Path dir) throws IOException, InterruptedException {
    String password = UUID.randomUUID().toString();
    // Files named relative to dir, where keytool runs.
    String ca = "ca.p12";
    String caPem = "ca.pem";
    String broker = "broker.p12";
    String csr = "broker.csr";
    String brokerPem = "broker.pem";
    String trust = "truststore.p12";
    keyPair(dir, ca, password, "ca", "CN=calmon test CA", "bc:c");
    keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-file", caPem, password);
    keyPair(dir, broker, password, "broker", "CN=localhost", SAN);
    keytool(dir, "-certreq", "-alias", "broker", "-keystore", broker, "-file", csr, password);
    keytool(
        dir,
        "-gencert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        ca,
        "-infile",
        csr,
        "-outfile",
        brokerPem,
        "-ext",
        SAN,
        "-validity",
        "2",
        password);
    // The broker's keystore trusts the CA, so that the signed certificate imports as its chain.
    trustCa(dir, caPem, broker, password);
    keytool(
        dir, "-importcert", "-alias", "broker", "-file", brokerPem, "-keystore", broker, password);
    trustCa(dir, caPem, trust, password);
    return new TestCertificates(dir.resolve(broker), dir.resolve(trust), password);
  }

  /** The embedded broker's SASL_SSL listener with this certificate. */
  public SaslSslListener listener() {
    return new SaslSslListener(brokerKeystore, password);
  }

  /**
   * Client properties for a SCRAM-SHA-512 user over TLS trusting this CA, as an operator writes
   * them in a {@code --kafka-config} file.
   */
  public Map<String, String> scramClient(String user, String userPassword) {
    return Map.of(
        "security.protocol",
        "SASL_SSL",
        "sasl.mechanism",
        SaslSslListener.MECHANISM,
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user
            + "\" password=\""
            + userPassword
            + "\";",
        "ssl.truststore.type",
        "PKCS12",
        "ssl.truststore.location",
        truststore.toAbsolutePath().toString(),
        "ssl.truststore.password",
        password);
  }

  /** {@link #scramClient} written to a properties file. */
  public Path scramClientFile(Path file, String user, String userPassword) throws IOException {
    StringBuilder text = new StringBuilder();
    scramClient(user, userPassword)
        .forEach((k, v) -> text.append(k).append('=').append(escape(v)).append('\n'));
    return Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\");
  }

  /** A P-256 key pair with a self-signed certificate (replaced later when signed). */
  private static void keyPair(
      Path dir, String store, String password, String alias, String dname, String ext)
      throws IOException, InterruptedException {
    keytool(
        dir,
        "-genkeypair",
        "-alias",
        alias,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        dname,
        "-ext",
        ext,
        "-validity",
        "2",
        "-keystore",
        store,
        "-storetype",
        "PKCS12",
        password);
  }

  /** Adds the CA's certificate to {@code store} (created if missing) as a trusted entry. */
  private static void trustCa(Path dir, String caPem, String store, String password)
      throws IOException, InterruptedException {
    keytool(
        dir,
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        caPem,
        "-keystore",
        store,
        "-storetype",
        "PKCS12",
        password);
  }

  /** Runs the JDK's keytool in {@code dir}; the last argument is the store password. */
  private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args).subList(0, args.length - 1));
    command.addAll(List.of("-storepass", args[args.length - 1]));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }
}
