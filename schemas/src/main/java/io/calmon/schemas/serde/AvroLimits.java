package io.calmon.schemas.serde;

import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avro's decoder limits (Avro 1.12's {@code org.apache.avro.limits.*} system properties): the
 * longest {@code bytes} value, the longest string and the most items in one array or map that a
 * record may declare. A record over a limit fails to decode ({@code CORRUPT_BODY}) instead of
 * making the decoder allocate what its length prefix claims.
 *
 * <p>Avro reads the properties once, when its limit checks are first used; {@link #apply()} sets
 * them and then makes Avro read them again, so they hold even where another service in the same JVM
 * decoded records first. A property set on the command line ({@code -Dorg.apache.avro.limits...})
 * wins over these values.
 *
 * @param maxBytes the longest {@code bytes} value (an inline image)
 * @param maxString the longest string (ids, URIs, class names)
 * @param maxItems the most items in one array or map
 */
public record AvroLimits(int maxBytes, int maxString, int maxItems) {

  private static final Logger LOG = LoggerFactory.getLogger(AvroLimits.class);

  public static final String BYTES = "org.apache.avro.limits.bytes.maxLength";
  public static final String STRING = "org.apache.avro.limits.string.maxLength";
  public static final String ITEMS = "org.apache.avro.limits.collectionItems.maxLength";

  public AvroLimits {
    if (maxBytes < 1 || maxString < 1 || maxItems < 1) {
      throw new IllegalArgumentException(
          "Avro limits must be at least 1, got bytes "
              + maxBytes
              + ", string "
              + maxString
              + ", items "
              + maxItems);
    }
  }

  /** The most image bytes an event may carry inline by default (the image loader's budget). */
  public static final int DEFAULT_MAX_IMAGE_BYTES = 64 << 20;

  /**
   * An inline image up to {@link #DEFAULT_MAX_IMAGE_BYTES} plus room, strings up to 1 MiB, a
   * million items (a class set, a context's floats, an event's attributes).
   */
  public static AvroLimits defaults() {
    return new AvroLimits(DEFAULT_MAX_IMAGE_BYTES + (1 << 20), 1 << 20, 1_000_000);
  }

  /** Sets the properties not already set, then makes Avro use them. Returns what holds now. */
  public AvroLimits apply() {
    System.getProperties().putIfAbsent(BYTES, Integer.toString(maxBytes));
    System.getProperties().putIfAbsent(STRING, Integer.toString(maxString));
    System.getProperties().putIfAbsent(ITEMS, Integer.toString(maxItems));
    reload();
    return new AvroLimits(
        Integer.getInteger(BYTES, maxBytes),
        Integer.getInteger(STRING, maxString),
        Integer.getInteger(ITEMS, maxItems));
  }

  /** Sets the properties, overriding any earlier value, and makes Avro use them (tests). */
  public AvroLimits force() {
    System.setProperty(BYTES, Integer.toString(maxBytes));
    System.setProperty(STRING, Integer.toString(maxString));
    System.setProperty(ITEMS, Integer.toString(maxItems));
    reload();
    return this;
  }

  /**
   * Makes Avro read the properties again: {@code SystemLimitException.resetLimits()},
   * package-private in Avro 1.12. If a later Avro lacks it, the properties still hold wherever Avro
   * had not yet read them, which is the case when a service runs alone.
   */
  private static void reload() {
    try {
      Method reset =
          Class.forName("org.apache.avro.SystemLimitException").getDeclaredMethod("resetLimits");
      reset.setAccessible(true);
      reset.invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn(
          "Avro's limits could not be reloaded ({}); they hold only if set before the first decode",
          e.toString());
    }
  }
}
