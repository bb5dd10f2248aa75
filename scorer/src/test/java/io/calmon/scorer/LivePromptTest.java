package io.calmon.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calmon.clip.ClipModel;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.serde.AvroCodec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
  void shouldServeTheNewestVersionOfOnePollWhateverTheOrder() throws Exception {
    try (LivePrompt live = livePrompt()) {
      live.accept(List.of(classSet(), prompt(4), prompt(3)));
      assertEquals(4, live.current().promptVersion());
      assertEquals(1, metrics.promptVersionsIgnored());
      assertEquals(4, metrics.promptVersion());
    }
  }

  private LivePrompt livePrompt() {
    return new LivePrompt(
        config, new ScoringContextCompiler(clip, ScorerConfig.DEFAULT_TEMPLATE), metrics);
  }

  private ConsumerRecord<String, byte[]> classSet() {
    ClassSet c = new ClassSet("shop", 1L, Instant.now(), List.of("cat", "dog", "bird"));
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
