package io.calmon.broker;

import io.calmon.kafka.KafkaClientConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A SASL_SSL listener for the embedded broker: SCRAM-SHA-512 over TLS, with Kafka's
 * StandardAuthorizer and {@code allow.everyone.if.no.acl.found=false}, so every client on it needs
 * a SCRAM credential and ACLs. The plaintext listener stays, on loopback, as the broker's own
 * (inter-broker and controller) channel: its anonymous principal is the super user, which is how a
 * test creates credentials and ACLs. For tests and local trials, never for a shared machine.
 *
 * @param keystore the broker's PKCS12 keystore: its private key and a certificate for 127.0.0.1
 *     (subject alternative name {@code IP:127.0.0.1}), signed by a CA the clients trust
 * @param password the keystore's and its key's password
 */
public record SaslSslListener(Path keystore, String password) {

  /** The one SASL mechanism the listener offers. */
  public static final String MECHANISM = "SCRAM-SHA-512";

  /** The principal of the plaintext listener: the super user. */
  public static final String SUPER_USER = "User:ANONYMOUS";

  public SaslSslListener {
    Objects.requireNonNull(keystore, "keystore");
    Objects.requireNonNull(password, "password");
    if (!Files.isRegularFile(keystore)) {
      throw new IllegalArgumentException("keystore " + keystore + " is not a file");
    }
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "SaslSslListener[keystore="
        + keystore
        + ", password="
        + KafkaClientConfig.REDACTED
        + "]";
  }
}
