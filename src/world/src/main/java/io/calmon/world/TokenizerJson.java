package io.calmon.world;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a Hugging Face {@code tokenizer.json} for the world's vocabulary: a WordLevel model,
 * lower-case normalizer, Whitespace pre-tokenizer (word runs and punctuation runs) and a
 * TemplateProcessing post-processor giving {@code <start> ... <end>}.
 *
 * <p>Ids: {@code <pad>} 0, {@code <unk>} 1, {@code <start>} 2, the words in sorted order from 3,
 * and {@code <end>} last, at the highest id, because CLIP pools the text feature at the position of
 * the highest token id.
 */
public final class TokenizerJson {
  public static final String PAD = "<pad>";
  public static final String UNK = "<unk>";
  public static final String START = "<start>";
  public static final String END = "<end>";

  private TokenizerJson() {}

  /** The tokenizer as a JSON tree. */
  public static ObjectNode build(Vocabulary vocabulary) {
    ObjectMapper mapper = new ObjectMapper();
    List<String> words = vocabulary.words();
    int endId = words.size() + 3;

    ObjectNode root = mapper.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    addSpecial(added, 0, PAD);
    addSpecial(added, 1, UNK);
    addSpecial(added, 2, START);
    addSpecial(added, endId, END);
    root.putObject("normalizer").put("type", "Lowercase");
    root.putObject("pre_tokenizer").put("type", "Whitespace");

    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    special(single, START, 0);
    sequence(single, "A", 0);
    special(single, END, 0);
    ArrayNode pair = post.putArray("pair");
    special(pair, START, 0);
    sequence(pair, "A", 0);
    special(pair, END, 0);
    sequence(pair, "B", 1);
    special(pair, END, 1);
    ObjectNode specials = post.putObject("special_tokens");
    specialEntry(specials, START, 2);
    specialEntry(specials, END, endId);

    root.putNull("decoder");
    ObjectNode model = root.putObject("model");
    model.put("type", "WordLevel");
    ObjectNode vocab = model.putObject("vocab");
    vocab.put(PAD, 0);
    vocab.put(UNK, 1);
    vocab.put(START, 2);
    for (int i = 0; i < words.size(); i++) {
      vocab.put(words.get(i), i + 3);
    }
    vocab.put(END, endId);
    model.put("unk_token", UNK);
    return root;
  }

  /** Writes {@code tokenizer.json} for {@code vocabulary} to {@code file}. */
  public static void write(Vocabulary vocabulary, Path file) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(file.toFile(), build(vocabulary));
  }

  private static void addSpecial(ArrayNode added, int id, String content) {
    ObjectNode t = added.addObject();
    t.put("id", id);
    t.put("content", content);
    t.put("single_word", false);
    t.put("lstrip", false);
    t.put("rstrip", false);
    t.put("normalized", false);
    t.put("special", true);
  }

  private static void special(ArrayNode template, String token, int typeId) {
    ObjectNode s = template.addObject().putObject("SpecialToken");
    s.put("id", token);
    s.put("type_id", typeId);
  }

  private static void sequence(ArrayNode template, String id, int typeId) {
    ObjectNode s = template.addObject().putObject("Sequence");
    s.put("id", id);
    s.put("type_id", typeId);
  }

  private static void specialEntry(ObjectNode specials, String token, int id) {
    ObjectNode e = specials.putObject(token);
    e.put("id", token);
    e.putArray("ids").add(id);
    e.putArray("tokens").add(token);
  }
}
