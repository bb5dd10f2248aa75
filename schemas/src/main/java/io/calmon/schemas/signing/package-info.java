/**
 * Signed prompt versions: whoever can write {@code prompt-versions} must not decide what scorers
 * serve. The trainer signs each {@link io.calmon.schemas.PromptVersion} with an Ed25519 key ({@link
 * SigningKey}); scorers check it against the public keys they trust ({@link TrustedKeys}) before
 * serving it. Only the JDK's {@code java.security} is used.
 *
 * <p>What is signed is {@link CanonicalPromptBytes}: a domain tag, then the Avro binary encoding of
 * every field of PromptVersion v1 (the contract before the signature fields), maps sorted by key.
 * Keys are PEM files ({@link KeyFiles}): PKCS#8 for the private key, X.509 SubjectPublicKeyInfo for
 * the public one, as {@code openssl genpkey -algorithm ed25519} writes them, each with an optional
 * {@code calmon-key-id:} line before the PEM block.
 */
package io.calmon.schemas.signing;
