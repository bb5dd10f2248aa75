package io.calmon.schemas.signing;

import io.calmon.schemas.PromptVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * The bytes a prompt version's signature covers, the same for the trainer that signs and every
 * scorer that checks, whatever schema version either runs:
 *
 * <ol>
 *   <li>the domain tag {@link #DOMAIN}, the ASCII text {@code calmon.prompt-version.v1} and one
 *       zero byte (so a signature over anything else never verifies as a prompt version's);
 *   <li>then the Avro binary encoding (Avro specification, "Binary Encoding") of the version under
 *       the schema {@code PromptVersion.v1} ({@code
 *       io/calmon/schemas/history/PromptVersion.v1.avsc} : every field of the contract before
 *       {@code signing_key_id} and {@code signature} were added, in that schema's order:
 *       deployment, version, parent_version, created_at, method, hyper_parameters, backbone_id,
 *       weights_sha256, template, n_ctx, ctx_dim, context_vectors, base_classes, temperature,
 *       metrics, trigger_id), with the entries of each map written in one block sorted by the UTF-8
 *       bytes of their keys (unsigned), so the order a map happened to have does not matter.
 * </ol>
 *
 * <p>The field list is frozen at v1: a field added to PromptVersion later is not covered, so an
 * older scorer can still check a newer trainer's versions. A later field that changes what is
 * served must come with a new domain tag that covers it.
 */
public final class CanonicalPromptBytes {

  /** {@code calmon.prompt-version.v1} and a zero byte. */
  static final byte[] DOMAIN = "calmon.prompt-version.v1\0".getBytes(StandardCharsets.US_ASCII);

  private static final String SIGNED_SCHEMA_RESOURCE =
      "/io/calmon/schemas/history/PromptVersion.v1.avsc";

  /** PromptVersion v1: the fields the signature covers. */
  static final Schema SIGNED_SCHEMA = loadSignedSchema();

  private CanonicalPromptBytes() {}

  /** The signed bytes of {@code version}; its signature fields play no part. */
  public static byte[] of(PromptVersion version) {
    GenericData.Record signed = new GenericData.Record(SIGNED_SCHEMA);
    for (Schema.Field field : SIGNED_SCHEMA.getFields()) {
      signed.put(field.name(), canonical(version.get(field.name())));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(DOMAIN);
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(SIGNED_SCHEMA, GenericData.get())
          .write(signed, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return out.toByteArray();
  }

  /** Instants as their epoch milliseconds (timestamp-millis), maps sorted by key bytes. */
  private static Object canonical(Object value) {
    if (value instanceof Instant t) {
      return t.toEpochMilli();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> sorted =
          new TreeMap<>(
              (a, b) ->
                  Arrays.compareUnsigned(
                      a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
      map.forEach((k, v) -> sorted.put(k.toString(), v));
      return sorted;
    }
    return value;
  }

  private static Schema loadSignedSchema() {
    try (InputStream in = CanonicalPromptBytes.class.getResourceAsStream(SIGNED_SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SIGNED_SCHEMA_RESOURCE + " is not on the classpath");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
