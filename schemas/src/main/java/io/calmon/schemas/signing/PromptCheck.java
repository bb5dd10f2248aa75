package io.calmon.schemas.signing;

import io.calmon.schemas.PromptVersion;

/**
 * What {@link TrustedKeys#check} found. Every value but {@link #SIGNED} names a refusal reason (the
 * scorer's {@code calmon_scorer_prompt_versions_refused_total{reason}}), though {@link #UNSIGNED}
 * is served where unsigned versions are explicitly allowed.
 */
public enum PromptCheck {
  /** Signed by a trusted key, content unchanged since. */
  SIGNED,
  /** No signature. */
  UNSIGNED,
  /** Signed, but by a key id that is not trusted (or none). */
  UNKNOWN_KEY,
  /** Signed by a trusted key id, but the signature does not match the content. */
  BAD_SIGNATURE,
  /** A context value or the temperature is NaN or infinite. */
  NOT_FINITE;

  /** One line in words about {@code version} for a log. */
  public String describe(PromptVersion version) {
    return switch (this) {
      case SIGNED -> "signed by trusted key " + version.getSigningKeyId();
      case UNSIGNED -> "it carries no signature";
      case UNKNOWN_KEY ->
          version.getSigningKeyId() == null
              ? "it carries a signature but no key id"
              : "it is signed by key " + version.getSigningKeyId() + ", which is not trusted";
      case BAD_SIGNATURE ->
          "its signature by key "
              + version.getSigningKeyId()
              + " does not match its content (altered after signing, or forged)";
      case NOT_FINITE -> "its context vectors or temperature hold NaN or infinite values";
    };
  }

  /** Whether every context value and the temperature are finite numbers. */
  static boolean finite(PromptVersion version) {
    for (Float f : version.getContextVectors()) {
      if (f == null || !Float.isFinite(f)) {
        return false;
      }
    }
    Double t = version.getTemperature();
    return t == null || Double.isFinite(t);
  }
}
