package io.calmon.world;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every word the world's captions, templates and class names can contain, and the outlier
 * vocabulary of a task. Words are split the way the tokenizer's pre-tokenizer splits them
 * (lower-cased runs of word characters, or runs of punctuation), so this class and {@code
 * tokenizer.json} agree on what a word is.
 */
public final class Vocabulary {
  private static final Pattern WORD = Pattern.compile("\\w+|[^\\w\\s]+");

  private final List<String> words;

  private Vocabulary(List<String> words) {
    this.words = List.copyOf(words);
  }

  /** The world's vocabulary, sorted; built from the same phrase lists captions are made of. */
  public static Vocabulary world() {
    Set<String> all = new TreeSet<>();
    for (String phrase : phrases()) {
      all.addAll(tokenize(phrase));
    }
    return new Vocabulary(new ArrayList<>(all));
  }

  /** All words, sorted, without special tokens. */
  public List<String> words() {
    return words;
  }

  /** Whether {@code word} (already lower-case) is in the vocabulary. */
  public boolean contains(String word) {
    return java.util.Collections.binarySearch(words, word) >= 0;
  }

  /** Splits text into words as the tokenizer does: lower-cased, punctuation apart. */
  public static List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /**
   * The class words of {@code classes}: their colour and shape words and the shapes' plurals (a
   * plural is the same lemma, so it counts as a class word).
   */
  public static Set<String> classWords(Collection<WorldClass> classes) {
    Set<String> out = new TreeSet<>();
    for (WorldClass c : classes) {
      out.add(c.colour().word());
      out.add(c.shape().word());
      out.add(c.shape().plural());
    }
    return out;
  }

  /**
   * The outlier vocabulary of a task whose classes are {@code classes}: every content word of the
   * world that is not a class word, every multi-word phrase captions use as a unit (style,
   * background), and every colour-shape composition made only of non-class words; none contains a
   * class word. Sorted; this is the pool DOR draws outlier labels from.
   */
  public List<String> outliers(Collection<WorldClass> classes) {
    Set<String> exclude = classWords(classes);
    Set<String> out = new TreeSet<>();
    for (String w : words) {
      if (!exclude.contains(w)
          && !CaptionSampler.FUNCTION_WORDS.contains(w)
          && w.chars().allMatch(Character::isLetter)) {
        out.add(w);
      }
    }
    List<String> phrases = new ArrayList<>();
    for (Style s : Style.values()) {
      phrases.addAll(s.phrases());
    }
    for (Background b : Background.values()) {
      phrases.add(b.noun());
    }
    for (Colour c : Colour.values()) {
      for (Shape s : Shape.values()) {
        phrases.add(c.word() + " " + s.word());
      }
    }
    for (String p : phrases) {
      if (tokenize(p).stream().noneMatch(exclude::contains)) {
        out.add(p);
      }
    }
    return new ArrayList<>(out);
  }

  /** Every phrase any caption, template or class name is assembled from. */
  static List<String> phrases() {
    List<String> p = new ArrayList<>();
    p.add(CaptionSampler.DEFAULT_TEMPLATE.replace("{}", ""));
    p.add(". ,");
    p.addAll(CaptionSampler.FUNCTION_WORDS);
    p.addAll(CaptionSampler.COUNT_WORDS);
    p.addAll(CaptionSampler.CLUTTER_LINKS);
    p.addAll(CaptionSampler.STYLE_LINKS);
    p.add(CaptionSampler.TILTED);
    p.add(CaptionSampler.NOISY);
    for (Colour c : Colour.values()) {
      p.add(c.word());
    }
    for (Shape s : Shape.values()) {
      p.add(s.word());
      p.add(s.plural());
    }
    for (Style s : Style.values()) {
      p.addAll(s.phrases());
    }
    for (Background b : Background.values()) {
      p.add(b.noun());
      p.addAll(b.phrases());
    }
    for (Texture t : Texture.values()) {
      p.add(t.word());
    }
    for (ObjectSize s : ObjectSize.values()) {
      p.addAll(s.words());
    }
    for (Position pos : Position.values()) {
      p.addAll(pos.phrases());
    }
    for (Clutter c : Clutter.values()) {
      p.add(c.word());
    }
    for (Occluder o : Occluder.values()) {
      p.addAll(o.phrases());
    }
    return p;
  }
}
