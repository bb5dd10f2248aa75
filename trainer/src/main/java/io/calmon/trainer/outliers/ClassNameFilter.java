package io.calmon.trainer.outliers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides whether a candidate outlier word overlaps a class name: case-insensitively, in lemma and
 * plural forms, and as a whole-word part of a longer phrase ("hot dogs" overlaps the class "dog").
 * DOR anchors outliers to their zero-shot features; an outlier that names a class would anchor that
 * class, which is KgCoOp's penalty, not DOR's.
 */
public final class ClassNameFilter {
  private final Set<String> classForms = new HashSet<>();
  private final Function<String, Collection<String>> lemmatizer;

  /**
   * @param classNames every class name of the task, base and new
   * @param lemmatizer extra base forms of a phrase (e.g. WordNet's "mice" -> "mouse"); may return
   *     an empty list
   */
  public ClassNameFilter(
      Collection<String> classNames, Function<String, Collection<String>> lemmatizer) {
    this.lemmatizer = lemmatizer;
    for (String name : classNames) {
      classForms.addAll(forms(normalize(name)));
    }
    classForms.remove("");
  }

  /** A filter with English plural rules only. */
  public ClassNameFilter(Collection<String> classNames) {
    this(classNames, p -> List.of());
  }

  /** Whether {@code word}, or any whole-word part of it, is a form of a class name. */
  public boolean matches(String word) {
    String[] tokens = normalize(word).split(" ");
    for (int from = 0; from < tokens.length; from++) {
      StringBuilder gram = new StringBuilder();
      for (int to = from; to < tokens.length; to++) {
        if (to > from) {
          gram.append(' ');
        }
        gram.append(tokens[to]);
        for (String f : forms(gram.toString())) {
          if (classForms.contains(f)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Lower case; underscores (WordNet) and runs of blanks become one space. */
  public static String normalize(String phrase) {
    return phrase.toLowerCase(Locale.ROOT).replace('_', ' ').trim().replaceAll("\\s+", " ");
  }

  /** The phrase, its plural, its possible singulars, and the lemmatizer's base forms. */
  private Set<String> forms(String phrase) {
    Set<String> out = new HashSet<>();
    out.add(phrase);
    int cut = phrase.lastIndexOf(' ') + 1;
    String head = phrase.substring(0, cut);
    String last = phrase.substring(cut);
    for (String f : inflections(last)) {
      out.add(head + f);
    }
    for (String base : new ArrayList<>(lemmatizer.apply(phrase))) {
      out.add(normalize(base));
    }
    return out;
  }

  /** Regular English plural and singular candidates of one word. */
  static List<String> inflections(String w) {
    List<String> out = new ArrayList<>();
    if (w.isEmpty()) {
      return out;
    }
    // plural
    if (w.matches(".*(s|x|z|ch|sh)")) {
      out.add(w + "es");
    } else if (w.matches(".*[^aeiou]y")) {
      out.add(w.substring(0, w.length() - 1) + "ies");
    } else {
      out.add(w + "s");
    }
    // singular candidates
    if (w.endsWith("ies") && w.length() > 3) {
      out.add(w.substring(0, w.length() - 3) + "y");
    }
    if (w.endsWith("es") && w.length() > 2) {
      out.add(w.substring(0, w.length() - 2));
    }
    if (w.endsWith("s") && !w.endsWith("ss") && w.length() > 1) {
      out.add(w.substring(0, w.length() - 1));
    }
    return out;
  }
}
