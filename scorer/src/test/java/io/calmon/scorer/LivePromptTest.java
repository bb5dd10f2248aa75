package io.calmon.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.clip.ClipModel;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.PromptHealth;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.signing.KeyFiles;
import io.calmon.schemas.signing.SigningKey;
import io.calmon.schemas.signing.TrustedKeys;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link LivePrompt} serves from the records it reads, without a broker (tiny CLIP). */
class LivePromptTest {

  private static final Path TINY = Path.of("../src/clip/src/test/resources/golden/tiny");

  private static ClipModel clip;

  private final ScorerConfig config =
      ScorerConfig.builder()
          .setBootstrapServers("127.0.0.1:9")
          .optDeployment("shop")
          .optInstanceId("s-0")
          .build();
  private final ScorerMetrics metrics = new ScorerMetrics();
  private final List<PromptHealth> healths = new ArrayList<>();
  private long offset;

  @BeforeAll
  static void loadModel() {
    clip = ClipModel.load(TINY);
  }

  @AfterAll
  static void closeModel() {
    clip.close();
  }

  @Test
  void shouldIgnoreAndCountPromptVersionsNotNewerThanTheOneServed() throws Exception {
    try (LivePrompt live = livePrompt()) {
      live.accept(List.of(classSet(), prompt(2)));
      assertEquals(2, live.current().promptVersion());

      // A replay of the served version, then an older one re-published: both ignored.
      live.accept(List.of(prompt(2)));
      live.accept(List.of(prompt(1)));
      assertEquals(2, live.current().promptVersion());
      assertEquals(2, metrics.promptVersionsIgnored());

      live.accept(List.of(prompt(3)));
      assertEquals(3, live.current().promptVersion());
      assertEquals(2, metrics.promptVersionsIgnored());
    }
  }

  @Test
  void shouldMeasureTheHealthOfEveryServedTunedPromptAndClassSetOnce() throws Exception {
    try (LivePrompt live = livePrompt()) {
      live.accept(List.of(classSet(1, "cat", "dog", "bird", "fox", "owl")));
      assertEquals(List.of(), healths, "zero-shot serving has nothing to measure");

      live.accept(List.of(prompt(2)));
      assertEquals(1, healths.size());
      PromptHealth h = healths.get(0);
      assertEquals("shop", h.getDeployment());
      assertEquals(2, h.getPromptVersion());
      assertEquals(1, h.getClassSetVersion());
      assertEquals("coop", h.getMethod());
      assertEquals("s-0", h.getMeasuredBy());
      assertEquals(3, h.getBaseClasses().getClasses());
      assertEquals(2, h.getNewClasses().getClasses());
      // The context is the template's own words: the tuned features are the zero-shot ones.
      assertEquals(0, h.getNewClasses().getDeviation(), 1e-4);
      assertEquals(
          h.getNewClasses().getZeroShotDivergence(), h.getNewClasses().getDivergence(), 1e-4);
      assertTrue(h.getNewClasses().getZeroShotDivergence() > 0);

      live.accept(List.of(prompt(2))); // a replay serves nothing new
      assertEquals(1, healths.size());

      live.accept(List.of(classSet(2, "fox", "owl", "eel")));
      assertEquals(2, healths.size());
      assertEquals(2, healths.get(1).getClassSetVersion());
      assertNull(healths.get(1).getBaseClasses(), "no base class is served any more");
      assertEquals(3, healths.get(1).getNewClasses().getClasses());
    }
  }

  @Test
  void shouldServeTheNewestVersionOfOnePollWhateverTheOrder() throws Exception {
    try (LivePrompt live = livePrompt()) {
      live.accept(List.of(classSet(), prompt(4), prompt(3)));
      assertEquals(4, live.current().promptVersion());
      assertEquals(1, metrics.promptVersionsIgnored());
      assertEquals(4, metrics.promptVersion());
    }
  }

  @Test
  void shouldNeverServeAVersionWithoutAValidSignatureOrWithNonFiniteNumbers(@TempDir Path keys)
      throws Exception {
    KeyFiles.generate(keys.resolve("trusted"), "trainer");
    KeyFiles.generate(keys.resolve("other"), "other");
    SigningKey trainer = SigningKey.read(keys.resolve("trusted/trainer.key"));
    SigningKey other = SigningKey.read(keys.resolve("other/other.key"));
    ScorerConfig trusting =
        ScorerConfig.builder()
            .setBootstrapServers("127.0.0.1:9")
            .optDeployment("shop")
            .optInstanceId("s-0")
            .optTrustedKeys(TrustedKeys.read(keys.resolve("trusted")))
            .build();
    try (LivePrompt live = livePrompt(trusting)) {
      live.accept(List.of(classSet(), encode(trainer.sign(unsigned(2)))));
      assertEquals(2, live.current().promptVersion());

      PromptVersion altered =
          PromptVersion.newBuilder(trainer.sign(unsigned(4))).setTemperature(0.01).build();
      List<Float> ctx = new ArrayList<>(unsigned(5).getContextVectors());
      ctx.set(0, Float.NaN);
      PromptVersion nan = PromptVersion.newBuilder(unsigned(5)).setContextVectors(ctx).build();
      live.accept(
          List.of(
              encode(unsigned(3)),
              encode(altered),
              encode(other.sign(unsigned(6))),
              encode(trainer.sign(nan)),
              encode(unsigned(1)))); // unsigned and older: refused as unsigned, not as stale
      assertEquals(2, live.current().promptVersion());
      assertEquals(2, metrics.promptVersion());
      assertEquals(2, metrics.promptsRefused("UNSIGNED"));
      assertEquals(1, metrics.promptsRefused("BAD_SIGNATURE"));
      assertEquals(1, metrics.promptsRefused("UNKNOWN_KEY"));
      assertEquals(1, metrics.promptsRefused("NOT_FINITE"));
      assertEquals(0, metrics.promptVersionsIgnored());

      // None of the refused versions counts as served: version 3, signed, is newer than 2.
      live.accept(List.of(encode(trainer.sign(unsigned(3)))));
      assertEquals(3, live.current().promptVersion());
    }
  }

  @Test
  void shouldServeUnsignedVersionsOnlyWhereExplicitlyAllowedAndStillCheckSignatures()
      throws Exception {
    try (LivePrompt strict = livePrompt()) {
      strict.accept(List.of(classSet(), encode(unsigned(2))));
      assertEquals(0, strict.current().promptVersion(), "zero-shot stays");
      assertEquals(1, metrics.promptsRefused("UNSIGNED"));
    }
    ScorerMetrics lenientMetrics = new ScorerMetrics();
    ScorerConfig lenient =
        ScorerConfig.builder()
            .setBootstrapServers("127.0.0.1:9")
            .optDeployment("shop")
            .optInstanceId("s-0")
            .optTrustedKeys(TrustedKeys.none())
            .optAllowUnsignedPrompts(true)
            .build();
    try (LivePrompt live =
        new LivePrompt(
            lenient,
            new ScoringContextCompiler(clip, ScorerConfig.DEFAULT_TEMPLATE),
            lenientMetrics,
            healths::add)) {
      live.accept(List.of(classSet(), encode(unsigned(2))));
      assertEquals(2, live.current().promptVersion());
      // A signature is checked whenever there is one: an untrusted signer is refused.
      live.accept(List.of(encode(SigningKey.inProcess().sign(unsigned(3)))));
      assertEquals(2, live.current().promptVersion());
      assertEquals(1, lenientMetrics.promptsRefused("UNKNOWN_KEY"));
      assertEquals(0, lenientMetrics.promptsRefused("UNSIGNED"));
    }
  }

  private LivePrompt livePrompt() {
    return livePrompt(config);
  }

  private LivePrompt livePrompt(ScorerConfig c) {
    return new LivePrompt(
        c, new ScoringContextCompiler(clip, ScorerConfig.DEFAULT_TEMPLATE), metrics, healths::add);
  }

  private PromptVersion unsigned(long version) {
    return ScorerKafka.unsignedPrompt(
        clip, version, clip.weightsSha256().orElseThrow(), clip.config().text().hiddenSize());
  }

  private ConsumerRecord<String, byte[]> encode(PromptVersion p) {
    return record(
        config.topics().promptVersions().name(), AvroCodec.of(PromptVersion.class).encode(p));
  }

  private ConsumerRecord<String, byte[]> classSet() {
    return classSet(1, "cat", "dog", "bird");
  }

  private ConsumerRecord<String, byte[]> classSet(long version, String... names) {
    ClassSet c = new ClassSet("shop", version, Instant.now(), List.of(names));
    return record(config.topics().classSets().name(), AvroCodec.of(ClassSet.class).encode(c));
  }

  private ConsumerRecord<String, byte[]> prompt(long version) {
    int width = clip.config().text().hiddenSize();
    return record(
        config.topics().promptVersions().name(),
        ScorerKafka.prompt(clip, version, clip.weightsSha256().orElseThrow(), width));
  }

  private ConsumerRecord<String, byte[]> record(String topic, byte[] value) {
    return new ConsumerRecord<>(topic, 0, offset++, "shop", value);
  }
}
