package io.calmon.trainer.outliers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.IndexWord;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.dictionary.Dictionary;

/**
 * WordNet 3.1 nouns through extJWNL and its bundled data jar: offline, no download. Lemmas keep
 * WordNet's spelling, multi-word lemmas with spaces.
 */
public final class WordNetNouns implements AutoCloseable {
  private final Dictionary dictionary;

  private WordNetNouns(Dictionary dictionary) {
    this.dictionary = dictionary;
  }

  /** Opens the bundled WordNet 3.1 (a few seconds). */
  public static WordNetNouns open() {
    try {
      return new WordNetNouns(Dictionary.getDefaultResourceInstance());
    } catch (JWNLException e) {
      throw new IllegalStateException("cannot open the bundled WordNet: " + e.getMessage(), e);
    }
  }

  /** Every noun lemma, sorted, lower-cased, underscores as spaces. */
  public List<String> lemmas() {
    TreeSet<String> out = new TreeSet<>();
    try {
      Iterator<IndexWord> it = dictionary.getIndexWordIterator(POS.NOUN);
      while (it.hasNext()) {
        out.add(ClassNameFilter.normalize(it.next().getLemma()));
      }
    } catch (JWNLException e) {
      throw new IllegalStateException("cannot read WordNet nouns: " + e.getMessage(), e);
    }
    out.remove("");
    return new ArrayList<>(out);
  }

  /** WordNet's base forms of a noun phrase ("mice" -> "mouse"); empty if none. */
  public Collection<String> baseForms(String phrase) {
    try {
      return dictionary.getMorphologicalProcessor().lookupAllBaseForms(POS.NOUN, phrase);
    } catch (JWNLException e) {
      throw new IllegalStateException("WordNet lookup of '" + phrase + "' failed", e);
    }
  }

  @Override
  public void close() {
    try {
      dictionary.close();
    } catch (JWNLException e) {
      throw new IllegalStateException("cannot close WordNet", e);
    }
  }
}
