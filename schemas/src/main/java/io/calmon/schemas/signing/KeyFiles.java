package io.calmon.schemas.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Ed25519 key files: PEM (RFC 7468), the private key as PKCS#8 ({@code BEGIN PRIVATE KEY}), the
 * public key as X.509 SubjectPublicKeyInfo ({@code BEGIN PUBLIC KEY}), byte for byte what {@code
 * openssl genpkey -algorithm ed25519} and {@code openssl pkey -pubout} write. A line {@code
 * calmon-key-id: ID} before a PEM block names its key (PEM readers ignore text outside the block);
 * without it, the key id is the file name without its extension. Key ids are 1-64 letters, digits,
 * '.', '_' or '-'.
 *
 * <p>Every problem with a file is an {@link IllegalArgumentException} naming the file and what is
 * wrong, never the key material.
 */
public final class KeyFiles {

  /** The line that names the key of the PEM block after it. */
  public static final String KEY_ID_LINE = "calmon-key-id:";

  /** The extension of a private key file written by {@link #generate}. */
  public static final String PRIVATE_EXTENSION = ".key";

  /** The extension of a public key file; a trusted-keys directory holds such files. */
  public static final String PUBLIC_EXTENSION = ".pub";

  static final String ALGORITHM = "Ed25519";

  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private KeyFiles() {}

  /** One key read from a file: its id and its DER encoding. */
  record PemKey(String keyId, byte[] der) {}

  /** Whether {@code keyId} is a valid key id. */
  public static boolean isKeyId(String keyId) {
    return keyId != null && KEY_ID.matcher(keyId).matches();
  }

  /**
   * Makes a new Ed25519 key pair and writes {@code DIR/<keyId>.key} (owner-only where the file
   * system has POSIX permissions) and {@code DIR/<keyId>.pub}; existing files are never replaced.
   *
   * @return the two paths, private first
   */
  public static List<Path> generate(Path dir, String keyId) throws IOException {
    if (!isKeyId(keyId)) {
      throw new IllegalArgumentException(
          "key id must be 1-64 letters, digits, '.', '_' or '-', got '" + keyId + "'");
    }
    KeyPair pair = newKeyPair();
    Files.createDirectories(dir);
    Path privateFile = dir.resolve(keyId + PRIVATE_EXTENSION);
    Path publicFile = dir.resolve(keyId + PUBLIC_EXTENSION);
    for (Path p : List.of(privateFile, publicFile)) {
      if (Files.exists(p)) {
        throw new FileAlreadyExistsException(p.toString(), null, "not replaced");
      }
    }
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          privateFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(
        privateFile,
        pem(keyId, "PRIVATE KEY", pair.getPrivate().getEncoded()),
        StandardCharsets.US_ASCII);
    Files.writeString(
        publicFile,
        pem(keyId, "PUBLIC KEY", pair.getPublic().getEncoded()),
        StandardCharsets.US_ASCII);
    return List.of(privateFile, publicFile);
  }

  /** A new Ed25519 key pair from the JDK's provider. */
  static KeyPair newKeyPair() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no " + ALGORITHM + " (Java 15 or later)", e);
    }
  }

  /** The PEM text of one key, with its key id line first. */
  static String pem(String keyId, String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return KEY_ID_LINE
        + " "
        + keyId
        + "\n-----BEGIN "
        + label
        + "-----\n"
        + body
        + "\n-----END "
        + label
        + "-----\n";
  }

  /** The private key of a PKCS#8 PEM file, with its key id. */
  static SigningKey readPrivate(Path file) {
    List<PemKey> keys = read(file, "PRIVATE KEY");
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(file + ": no PEM block BEGIN PRIVATE KEY");
    }
    if (keys.size() != 1) {
      throw new IllegalArgumentException(
          file + ": holds " + keys.size() + " private keys; a signing key file holds one");
    }
    PemKey k = keys.get(0);
    try {
      PrivateKey key =
          KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(k.der()));
      return new SigningKey(k.keyId(), key);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + ": not an Ed25519 private key (PKCS#8)", e);
    }
  }

  /** Every public key of an X.509 PEM file, with their key ids. */
  static List<TrustedKeys.Entry> readPublic(Path file) {
    List<TrustedKeys.Entry> entries = new ArrayList<>();
    for (PemKey k : read(file, "PUBLIC KEY")) {
      try {
        PublicKey key =
            KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(k.der()));
        entries.add(new TrustedKeys.Entry(k.keyId(), key, file));
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException(
            file + ": key " + k.keyId() + " is not an Ed25519 public key (X.509)", e);
      }
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(file + ": no PEM block BEGIN PUBLIC KEY");
    }
    return entries;
  }

  /**
   * The PEM blocks of {@code label} in a file, each named by the {@code calmon-key-id:} line before
   * it, else (a file of one block) by the file name without its extension.
   */
  static List<PemKey> read(Path file, String label) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read it (" + e + ")", e);
    }
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    List<PemKey> keys = new ArrayList<>();
    String pendingId = null;
    StringBuilder body = null;
    for (String raw : lines) {
      String line = raw.strip();
      if (body != null) {
        if (line.equals(end)) {
          keys.add(new PemKey(pendingId, decode(file, body.toString())));
          pendingId = null;
          body = null;
        } else {
          body.append(line);
        }
      } else if (line.startsWith(KEY_ID_LINE)) {
        pendingId = line.substring(KEY_ID_LINE.length()).strip();
        if (!isKeyId(pendingId)) {
          throw new IllegalArgumentException(
              file
                  + ": key id must be 1-64 letters, digits, '.', '_' or '-', got '"
                  + pendingId
                  + "'");
        }
      } else if (line.equals(begin)) {
        body = new StringBuilder();
      }
    }
    if (body != null) {
      throw new IllegalArgumentException(file + ": " + begin + " without " + end);
    }
    List<PemKey> named = new ArrayList<>(keys.size());
    for (PemKey k : keys) {
      String id = k.keyId() != null ? k.keyId() : idFromName(file, keys.size());
      named.add(new PemKey(id, k.der()));
    }
    return named;
  }

  private static String idFromName(Path file, int blocks) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String id = dot > 0 ? name.substring(0, dot) : name;
    if (blocks > 1 || !isKeyId(id)) {
      throw new IllegalArgumentException(
          file
              + ": give each key a line '"
              + KEY_ID_LINE
              + " ID' before its PEM block"
              + (blocks > 1 ? " (the file holds several)" : " (the file name is no key id)"));
    }
    return id;
  }

  private static byte[] decode(Path file, String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": the PEM block is not base64", e);
    }
  }
}
