package io.calmon.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerJsonTest {
  @TempDir Path dir;

  @Test
  void shouldLoadInHuggingFaceTokenizersAndFrameCaptionsWithStartAndEnd() throws IOException {
    Vocabulary vocabulary = Vocabulary.world();
    Path file = dir.resolve("tokenizer.json");
    TokenizerJson.write(vocabulary, file);
    int endId = vocabulary.words().size() + 3;

    try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(file)) {
      WorldPretrainingData data = new WorldPretrainingData(WorldConfig.defaults(), 9);
      for (long i = 0; i < 50; i++) {
        String caption = data.get(i).caption();
        Encoding enc = tokenizer.encode(caption);
        long[] ids = enc.getIds();
        assertEquals(2, ids[0], "start first: " + caption);
        assertEquals(endId, ids[ids.length - 1], "end last: " + caption);
        assertEquals(endId, Arrays.stream(ids).max().orElseThrow(), "end is the max id");
        assertTrue(Arrays.stream(ids).noneMatch(id -> id == 1), "no unk: " + caption);
        List<String> words = Vocabulary.tokenize(caption);
        assertEquals(words.size() + 2, ids.length, caption);
        for (int k = 0; k < words.size(); k++) {
          assertEquals(vocabulary.words().indexOf(words.get(k)) + 3, ids[k + 1], words.get(k));
        }
      }
      long[] template = tokenizer.encode("A photo of a red circle.").getIds();
      assertEquals(9, template.length, "start a photo of a red circle . end");
      assertEquals(
          "<start> a photo of a red circle . <end>",
          String.join(" ", tokenizer.encode("A photo of a red circle.").getTokens()));
      assertEquals(1, tokenizer.encode("a photo of a zebra.").getIds()[5], "unknown word is unk");
    }
  }

  @Test
  void shouldPutPadAtZeroAndEndAtTheHighestId() {
    var model = TokenizerJson.build(Vocabulary.world()).get("model").get("vocab");
    assertEquals(0, model.get(TokenizerJson.PAD).asInt());
    int max = 0;
    for (var it = model.fields(); it.hasNext(); ) {
      max = Math.max(max, it.next().getValue().asInt());
    }
    assertEquals(max, model.get(TokenizerJson.END).asInt());
    assertEquals(Vocabulary.world().words().size() + 4, model.size());
  }
}
