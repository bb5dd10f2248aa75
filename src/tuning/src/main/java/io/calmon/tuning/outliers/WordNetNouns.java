package io.calmon.tuning.outliers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.Exc;
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

  /**
   * Irregular inflections by base form, from WordNet's noun exception list ("mouse" -> "mice",
   * "goose" -> "geese"). One pass over about 2K entries: cheaper than lemmatising 117K candidates.
   */
  public Map<String, List<String>> irregularForms() {
    Map<String, List<String>> out = new HashMap<>();
    try {
      Iterator<Exc> it = dictionary.getExceptionIterator(POS.NOUN);
      while (it.hasNext()) {
        Exc exc = it.next();
        String inflected = ClassNameFilter.normalize(exc.getLemma());
        for (String base : exc.getExceptions()) {
          out.computeIfAbsent(ClassNameFilter.normalize(base), b -> new ArrayList<>())
              .add(inflected);
        }
      }
    } catch (JWNLException e) {
      throw new IllegalStateException("cannot read WordNet exceptions: " + e.getMessage(), e);
    }
    return out;
  }

  /** A class-name filter for {@code classNames} with WordNet's irregular plurals. */
  public ClassNameFilter filter(Collection<String> classNames) {
    Map<String, List<String>> irregular = irregularForms();
    return new ClassNameFilter(classNames, w -> irregular.getOrDefault(w, List.of()));
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
