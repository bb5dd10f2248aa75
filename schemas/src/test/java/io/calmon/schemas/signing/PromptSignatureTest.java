package io.calmon.schemas.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.serde.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing and checking prompt versions with key pairs written to files, as operators use them. */
class PromptSignatureTest {

  @TempDir static Path keys;

  private static SigningKey trainer;
  private static TrustedKeys trusted;

  @BeforeAll
  static void makeKeys() throws Exception {
    KeyFiles.generate(keys.resolve("trainer"), "trainer-1");
    trainer = SigningKey.read(keys.resolve("trainer/trainer-1.key"));
    trusted = TrustedKeys.read(keys.resolve("trainer"));
  }

  static PromptVersion version() {
    Map<String, String> hyper = new LinkedHashMap<>();
    hyper.put("n_ctx", "2");
    hyper.put("lambda", "8");
    hyper.put("epochs", "20");
    return PromptVersion.newBuilder()
        .setDeployment("shop")
        .setVersion(3)
        .setParentVersion(2L)
        .setCreatedAt(Instant.parse("2026-03-01T12:00:00.123Z"))
        .setMethod("coop+dor")
        .setHyperParameters(hyper)
        .setBackboneId("calmon-world-tiny")
        .setWeightsSha256("ab".repeat(32))
        .setTemplate("a photo of a {}.")
        .setNCtx(2)
        .setCtxDim(2)
        .setContextVectors(List.of(0.1f, -0.2f, 0.3f, 0.4f))
        .setBaseClasses(List.of("red circle", "blue square"))
        .setTemperature(1.25)
        .setMetrics(Map.of("val_base_ece", 0.031, "heldout_n", 40.0))
        .setTriggerId("6f1c0d9e-3c1b-4a57-9d2e-0a0b0c0d0e0f")
        .build();
  }

  @Test
  void shouldVerifyASignedVersionAfterItCrossedTheWire() {
    PromptVersion signed = trainer.sign(version());
    assertEquals("trainer-1", signed.getSigningKeyId());
    assertEquals(TrustedKeys.SIGNATURE_BYTES, signed.getSignature().remaining());
    AvroCodec<PromptVersion> codec = AvroCodec.of(PromptVersion.class);
    PromptVersion read = codec.decode(codec.encode(signed));
    assertEquals(PromptCheck.SIGNED, trusted.check(read));
    assertEquals(PromptCheck.SIGNED, trusted.check(read), "checking twice reads the same bytes");
  }

  @Test
  void shouldRefuseEveryTamperedFieldThatDecidesWhatIsServed() {
    PromptVersion signed = trainer.sign(version());
    Map<String, UnaryOperator<PromptVersion.Builder>> edits = new LinkedHashMap<>();
    edits.put("deployment", b -> b.setDeployment("other"));
    edits.put("version", b -> b.setVersion(4));
    edits.put("parent_version", b -> b.setParentVersion(null));
    edits.put("created_at", b -> b.setCreatedAt(Instant.parse("2026-03-01T12:00:00.124Z")));
    edits.put("method", b -> b.setMethod("coop"));
    edits.put("hyper_parameters", b -> b.setHyperParameters(Map.of("n_ctx", "2")));
    edits.put("backbone_id", b -> b.setBackboneId("other"));
    edits.put("weights_sha256", b -> b.setWeightsSha256("cd".repeat(32)));
    edits.put("template", b -> b.setTemplate("a sketch of a {}."));
    edits.put("n_ctx", b -> b.setNCtx(1));
    edits.put("ctx_dim", b -> b.setCtxDim(4));
    edits.put("context_vectors", b -> b.setContextVectors(List.of(0.1f, -0.2f, 0.3f, 0.5f)));
    edits.put("base_classes", b -> b.setBaseClasses(List.of("red circle")));
    edits.put("temperature", b -> b.setTemperature(0.5));
    edits.put("metrics", b -> b.setMetrics(Map.of("val_base_ece", 0.001, "heldout_n", 40.0)));
    edits.put("trigger_id", b -> b.setTriggerId(null));
    for (Map.Entry<String, UnaryOperator<PromptVersion.Builder>> e : edits.entrySet()) {
      PromptVersion tampered = e.getValue().apply(PromptVersion.newBuilder(signed)).build();
      assertEquals(PromptCheck.BAD_SIGNATURE, trusted.check(tampered), e.getKey());
    }
    assertEquals(
        CanonicalPromptBytes.SIGNED_SCHEMA.getFields().size(),
        edits.size(),
        "every signed field is tampered with once");
  }

  @Test
  void shouldRefuseAVersionSignedByAnotherKeyUnderATrustedId() throws Exception {
    KeyFiles.generate(keys.resolve("impostor"), "trainer-1");
    SigningKey impostor = SigningKey.read(keys.resolve("impostor/trainer-1.key"));
    assertEquals(PromptCheck.BAD_SIGNATURE, trusted.check(impostor.sign(version())));
  }

  @Test
  void shouldRefuseAVersionSignedByAKeyIdThatIsNotTrusted() throws Exception {
    KeyFiles.generate(keys.resolve("stranger"), "stranger");
    SigningKey stranger = SigningKey.read(keys.resolve("stranger/stranger.key"));
    assertEquals(PromptCheck.UNKNOWN_KEY, trusted.check(stranger.sign(version())));
    PromptVersion noId =
        PromptVersion.newBuilder(trainer.sign(version())).setSigningKeyId(null).build();
    assertEquals(PromptCheck.UNKNOWN_KEY, trusted.check(noId));
    assertEquals(PromptCheck.UNKNOWN_KEY, TrustedKeys.none().check(trainer.sign(version())));
  }

  @Test
  void shouldRefuseAVersionWithoutSignatureOrWithAShortOne() {
    assertEquals(PromptCheck.UNSIGNED, trusted.check(version()));
    PromptVersion keyIdOnly =
        PromptVersion.newBuilder(version()).setSigningKeyId("trainer-1").build();
    assertEquals(PromptCheck.UNSIGNED, trusted.check(keyIdOnly));
    PromptVersion signed = trainer.sign(version());
    byte[] cut = Arrays.copyOf(signed.getSignature().array(), 63);
    PromptVersion shortSig =
        PromptVersion.newBuilder(signed).setSignature(ByteBuffer.wrap(cut)).build();
    assertEquals(PromptCheck.BAD_SIGNATURE, trusted.check(shortSig));
  }

  @Test
  void shouldRefuseNonFiniteNumbersEvenWhenSigned() {
    List<Float> ctx = new ArrayList<>(version().getContextVectors());
    ctx.set(2, Float.NaN);
    PromptVersion nan = PromptVersion.newBuilder(version()).setContextVectors(ctx).build();
    assertEquals(PromptCheck.NOT_FINITE, trusted.check(trainer.sign(nan)));
    ctx.set(2, Float.NEGATIVE_INFINITY);
    PromptVersion inf = PromptVersion.newBuilder(version()).setContextVectors(ctx).build();
    assertEquals(PromptCheck.NOT_FINITE, trusted.check(trainer.sign(inf)));
    PromptVersion hot =
        PromptVersion.newBuilder(version()).setTemperature(Double.POSITIVE_INFINITY).build();
    assertEquals(PromptCheck.NOT_FINITE, trusted.check(trainer.sign(hot)));
  }

  @Test
  void shouldSignTheSameBytesWhateverTheMapOrderOrTheSignatureFields() throws Exception {
    Map<String, String> reversed = new LinkedHashMap<>();
    reversed.put("epochs", "20");
    reversed.put("lambda", "8");
    reversed.put("n_ctx", "2");
    PromptVersion reordered =
        PromptVersion.newBuilder(version()).setHyperParameters(reversed).build();
    byte[] bytes = CanonicalPromptBytes.of(version());
    assertArrayEquals(bytes, CanonicalPromptBytes.of(reordered));
    assertArrayEquals(bytes, CanonicalPromptBytes.of(trainer.sign(version())));

    // The domain tag, then a PromptVersion v1 record with its maps sorted by key.
    byte[] tag = CanonicalPromptBytes.DOMAIN;
    assertArrayEquals(tag, Arrays.copyOf(bytes, tag.length));
    assertEquals("calmon.prompt-version.v1\0", new String(tag, "US-ASCII"));
    GenericRecord body =
        new GenericDatumReader<GenericRecord>(
                CanonicalPromptBytes.SIGNED_SCHEMA,
                CanonicalPromptBytes.SIGNED_SCHEMA,
                new GenericData() {
                  @Override
                  public Object newMap(Object old, int size) {
                    return new LinkedHashMap<>(); // keeps the order the entries were written in
                  }
                })
            .read(
                null,
                DecoderFactory.get()
                    .binaryDecoder(bytes, tag.length, bytes.length - tag.length, null));
    assertEquals(3L, body.get("version"));
    assertEquals(Instant.parse("2026-03-01T12:00:00.123Z").toEpochMilli(), body.get("created_at"));
    assertEquals(
        List.of("epochs", "lambda", "n_ctx"),
        ((Map<?, ?>) body.get("hyper_parameters"))
            .keySet().stream().map(Object::toString).toList());
    assertNull(CanonicalPromptBytes.SIGNED_SCHEMA.getField("signature"));
  }

  @Test
  void shouldReadKeysByTheirIdLineOrTheirFileName() throws Exception {
    Path dir = keys.resolve("named");
    KeyFiles.generate(dir, "a");
    String pem = java.nio.file.Files.readString(dir.resolve("a.pub"));
    assertTrue(pem.startsWith("calmon-key-id: a\n-----BEGIN PUBLIC KEY-----\n"), pem);
    // Without the id line (as openssl writes it), the file name names the key.
    java.nio.file.Files.writeString(
        dir.resolve("b.pub"),
        pem.substring(pem.indexOf('\n') + 1),
        java.nio.charset.StandardCharsets.US_ASCII);
    assertEquals(List.of("a", "b"), List.copyOf(TrustedKeys.read(dir).keyIds()));
    // A bundle of several keys, each named by its line.
    Path bundle = keys.resolve("bundle.pem");
    java.nio.file.Files.writeString(
        bundle, pem + java.nio.file.Files.readString(keys.resolve("trainer/trainer-1.pub")));
    TrustedKeys both = TrustedKeys.read(bundle);
    assertEquals(List.of("a", "trainer-1"), List.copyOf(both.keyIds()));
    assertEquals(PromptCheck.SIGNED, both.check(trainer.sign(version())));
    assertFalse(both.isEmpty());
  }

  @Test
  void shouldRefuseKeyFilesThatAreWrongWithOneLineNamingTheFile() throws Exception {
    Path dir = keys.resolve("bad");
    java.nio.file.Files.createDirectories(dir);
    Path empty = java.nio.file.Files.writeString(dir.resolve("empty.pub"), "nothing here\n");
    assertMessageStarts(empty.toString(), () -> TrustedKeys.read(empty));
    assertMessageStarts(
        dir.resolve("none").toString(), () -> TrustedKeys.read(dir.resolve("none")));
    Path privateAsPublic = keys.resolve("trainer/trainer-1.key");
    assertMessageStarts(privateAsPublic.toString(), () -> TrustedKeys.read(privateAsPublic));
    Path publicAsPrivate = keys.resolve("trainer/trainer-1.pub");
    assertMessageStarts(publicAsPrivate.toString(), () -> SigningKey.read(publicAsPrivate));
    // One id, two keys: refused rather than trusting either.
    Path clash = keys.resolve("clash");
    KeyFiles.generate(clash.resolve("x"), "same");
    KeyFiles.generate(clash.resolve("y"), "same");
    java.nio.file.Files.copy(clash.resolve("x/same.pub"), clash.resolve("1.pub"));
    java.nio.file.Files.copy(clash.resolve("y/same.pub"), clash.resolve("2.pub"));
    assertMessageStarts(clash.resolve("2.pub").toString(), () -> TrustedKeys.read(clash));
  }

  private static void assertMessageStarts(String prefix, Runnable r) {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    assertFalse(e.getMessage().contains("MC4CAQAwBQYDK2Vw"), "no key material in messages");
  }
}
