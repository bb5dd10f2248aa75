package io.calmon.tuning.outliers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Decides whether a candidate outlier word overlaps a class name: case-insensitively, in lemma and
 * plural forms, and as a whole-word part of a longer phrase ("hot dogs" overlaps the class "dog").
 * DOR anchors outliers to their zero-shot features; an outlier that names a class would anchor that
 * class, which is KgCoOp's penalty, not DOR's.
 */
public final class ClassNameFilter {
  private static final Pattern SIBILANT = Pattern.compile(".*(s|x|z|ch|sh)");
  private static final Pattern CONSONANT_Y = Pattern.compile(".*[^aeiou]y");
  private static final Pattern BLANKS = Pattern.compile("\\s+");

  private final Set<String> classForms = new HashSet<>();

  /**
   * @param classNames every class name of the task, base and new
   * @param irregularForms irregular inflections of a class word (e.g. WordNet's "mouse" -> "mice"),
   *     applied to each class name and to its last word; may return an empty list
   */
  public ClassNameFilter(
      Collection<String> classNames, Function<String, Collection<String>> irregularForms) {
    for (String name : classNames) {
      String n = normalize(name);
      classForms.addAll(forms(n));
      int cut = n.lastIndexOf(' ') + 1;
      for (String f : irregularForms.apply(n)) {
        classForms.add(normalize(f));
      }
      if (cut > 0) {
        for (String f : irregularForms.apply(n.substring(cut))) {
          classForms.add(n.substring(0, cut) + normalize(f));
        }
      }
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
    String lower = phrase.toLowerCase(Locale.ROOT).replace('_', ' ').trim();
    return BLANKS.matcher(lower).replaceAll(" ");
  }

  /** The phrase, its regular plural and its possible singulars. */
  private Set<String> forms(String phrase) {
    Set<String> out = new HashSet<>();
    out.add(phrase);
    int cut = phrase.lastIndexOf(' ') + 1;
    String head = phrase.substring(0, cut);
    String last = phrase.substring(cut);
    for (String f : inflections(last)) {
      out.add(head + f);
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
    if (SIBILANT.matcher(w).matches()) {
      out.add(w + "es");
    } else if (CONSONANT_Y.matcher(w).matches()) {
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
