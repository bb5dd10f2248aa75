package io.calmon.schemas.signing;

import io.calmon.schemas.PromptVersion;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Objects;

/**
 * The trainer's Ed25519 private key and its id: signs prompt versions before they are published.
 * Thread-safe (a new {@link Signature} per call).
 */
public final class SigningKey {

  private static final SigningKey IN_PROCESS = inProcessKey();

  private final String keyId;
  private final PrivateKey key;
  private final PublicKey publicKey; // known only for keys made in this process

  SigningKey(String keyId, PrivateKey key) {
    this(keyId, key, null);
  }

  private SigningKey(String keyId, PrivateKey key, PublicKey publicKey) {
    if (!KeyFiles.isKeyId(keyId)) {
      throw new IllegalArgumentException("bad key id '" + keyId + "'");
    }
    this.keyId = keyId;
    this.key = Objects.requireNonNull(key, "key");
    this.publicKey = publicKey;
  }

  /**
   * Reads a private key file (PKCS#8 PEM, see {@link KeyFiles}).
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static SigningKey read(Path file) {
    return KeyFiles.readPrivate(file);
  }

  /**
   * A key pair made once per JVM, whose private half never leaves it: the default of services built
   * in one process (the demo, tests), so that a trainer and scorers built side by side sign and
   * check without key files. {@link TrustedKeys#inProcess()} trusts its public half; no other
   * process can sign with it.
   */
  public static SigningKey inProcess() {
    return IN_PROCESS;
  }

  /** The public half of {@link #inProcess()}. */
  static PublicKey inProcessPublicKey() {
    return IN_PROCESS.publicKey;
  }

  private static SigningKey inProcessKey() {
    KeyPair pair = KeyFiles.newKeyPair();
    String id = "in-process-" + Long.toHexString(ProcessHandle.current().pid());
    return new SigningKey(id, pair.getPrivate(), pair.getPublic());
  }

  /** The id scorers know the public half by. */
  public String keyId() {
    return keyId;
  }

  /**
   * A copy of {@code version} with {@code signing_key_id} set to this key's id and {@code
   * signature} to the Ed25519 signature of its {@linkplain CanonicalPromptBytes canonical bytes}.
   */
  public PromptVersion sign(PromptVersion version) {
    try {
      Signature s = Signature.getInstance(KeyFiles.ALGORITHM);
      s.initSign(key);
      s.update(CanonicalPromptBytes.of(version));
      return PromptVersion.newBuilder(version)
          .setSigningKeyId(keyId)
          .setSignature(ByteBuffer.wrap(s.sign()))
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with key " + keyId, e);
    }
  }

  @Override
  public String toString() {
    return "SigningKey[" + keyId + "]"; // never the key material
  }
}
