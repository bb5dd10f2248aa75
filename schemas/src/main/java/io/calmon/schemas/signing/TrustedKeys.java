package io.calmon.schemas.signing;

import io.calmon.schemas.PromptVersion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The public keys a scorer trusts, by key id, and the check of a prompt version against them.
 * Immutable and thread-safe.
 */
public final class TrustedKeys {

  /** An Ed25519 signature is 64 bytes. */
  static final int SIGNATURE_BYTES = 64;

  /** One trusted key and the file it came from. */
  record Entry(String keyId, PublicKey key, Path source) {}

  private static final TrustedKeys NONE = new TrustedKeys(Map.of());

  private final Map<String, PublicKey> keys;

  private TrustedKeys(Map<String, PublicKey> keys) {
    this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
  }

  /** No key: every signed version is refused as {@link PromptCheck#UNKNOWN_KEY}. */
  public static TrustedKeys none() {
    return NONE;
  }

  /** The public half of {@link SigningKey#inProcess()}, alone. */
  public static TrustedKeys inProcess() {
    return new TrustedKeys(Map.of(SigningKey.inProcess().keyId(), SigningKey.inProcessPublicKey()));
  }

  /**
   * Reads the public keys of a file (one or more PEM blocks, see {@link KeyFiles}) or of every
   * {@code *.pub} file of a directory.
   *
   * @throws IllegalArgumentException naming the file and what is wrong: unreadable, not an Ed25519
   *     public key, no key at all, or one key id given to two different keys
   */
  public static TrustedKeys read(Path fileOrDir) {
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(fileOrDir)) {
      try (Stream<Path> list = Files.list(fileOrDir)) {
        list.filter(p -> p.getFileName().toString().endsWith(KeyFiles.PUBLIC_EXTENSION))
            .filter(Files::isRegularFile)
            .sorted()
            .forEach(files::add);
      } catch (IOException e) {
        throw new IllegalArgumentException(fileOrDir + ": cannot list it (" + e + ")", e);
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException(
            fileOrDir + ": no public key file (*" + KeyFiles.PUBLIC_EXTENSION + ") in it");
      }
    } else if (Files.isRegularFile(fileOrDir)) {
      files.add(fileOrDir);
    } else {
      throw new IllegalArgumentException(fileOrDir + ": no such file or directory");
    }
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    Map<String, Path> sources = new LinkedHashMap<>();
    for (Path file : files) {
      for (Entry e : KeyFiles.readPublic(file)) {
        PublicKey earlier = keys.putIfAbsent(e.keyId(), e.key());
        if (earlier != null && !earlier.equals(e.key())) {
          throw new IllegalArgumentException(
              file + ": key id " + e.keyId() + " names another key in " + sources.get(e.keyId()));
        }
        sources.putIfAbsent(e.keyId(), file);
      }
    }
    return new TrustedKeys(keys);
  }

  /** These keys and {@code other}'s; a key id both hold must name the same key. */
  public TrustedKeys and(TrustedKeys other) {
    Map<String, PublicKey> all = new LinkedHashMap<>(keys);
    other.keys.forEach(
        (id, key) -> {
          PublicKey earlier = all.putIfAbsent(id, key);
          if (earlier != null && !earlier.equals(key)) {
            throw new IllegalArgumentException("key id " + id + " names two different keys");
          }
        });
    return new TrustedKeys(all);
  }

  /** The ids of the trusted keys, in the order they were read. */
  public Set<String> keyIds() {
    return keys.keySet();
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /**
   * Checks a prompt version: its numbers first (a non-finite context value or temperature), then
   * its signature against these keys.
   *
   * @return {@link PromptCheck#SIGNED} if a trusted key signed exactly this content, else why not
   */
  public PromptCheck check(PromptVersion version) {
    if (!PromptCheck.finite(version)) {
      return PromptCheck.NOT_FINITE;
    }
    ByteBuffer signature = version.getSignature();
    if (signature == null) {
      return PromptCheck.UNSIGNED;
    }
    String keyId = version.getSigningKeyId();
    PublicKey key = keyId == null ? null : keys.get(keyId);
    if (key == null) {
      return PromptCheck.UNKNOWN_KEY;
    }
    byte[] bytes = new byte[signature.remaining()];
    signature.duplicate().get(bytes);
    if (bytes.length != SIGNATURE_BYTES) {
      return PromptCheck.BAD_SIGNATURE;
    }
    try {
      Signature s = Signature.getInstance(KeyFiles.ALGORITHM);
      s.initVerify(key);
      s.update(CanonicalPromptBytes.of(version));
      return s.verify(bytes) ? PromptCheck.SIGNED : PromptCheck.BAD_SIGNATURE;
    } catch (java.security.SignatureException e) {
      return PromptCheck.BAD_SIGNATURE; // a malformed signature
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot verify with key " + keyId, e);
    }
  }

  @Override
  public String toString() {
    return "TrustedKeys" + keys.keySet();
  }
}
