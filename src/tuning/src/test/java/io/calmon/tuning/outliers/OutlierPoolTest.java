package io.calmon.tuning.outliers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calmon.clip.ClipModel;
import io.calmon.tuning.TinyModels;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutlierPoolTest {

  @Test
  void shouldMatchClassNamesInPluralLemmaAndPhraseForms() {
    ClassNameFilter f = new ClassNameFilter(List.of("Dog", "box", "butterfly", "Golden_Retriever"));
    for (String w :
        List.of("dog", "DOGS", "boxes", "butterflies", "hot dog", "golden retrievers")) {
      assertTrue(f.matches(w), w);
    }
    for (String w : List.of("dogma", "retriever", "golden", "fox", "cat")) {
      assertFalse(f.matches(w), w);
    }
  }

  @Test
  void shouldNeverKeepAClassNameFromWordNetNouns() {
    List<String> classes = List.of("dog", "mouse", "box", "butterfly", "goose", "golden retriever");
    List<String> lemmas;
    ClassNameFilter filter;
    Set<String> kept = new HashSet<>();
    try (WordNetNouns wordNet = WordNetNouns.open()) {
      lemmas = wordNet.lemmas();
      filter = wordNet.filter(classes);
      for (String w : lemmas) {
        if (!filter.matches(w)) {
          kept.add(w);
        }
      }
      assertTrue(filter.matches("mice") && filter.matches("geese"), "irregular plurals");
    }
    assertTrue(lemmas.size() > 100_000, "WordNet 3.1 has ~117K noun lemmas: " + lemmas.size());
    assertTrue(lemmas.contains("mouse") && lemmas.contains("hot dog"), "the test can fail");
    for (String w :
        List.of(
            "dog",
            "dogs",
            "mouse",
            "mice",
            "box",
            "boxes",
            "butterfly",
            "geese",
            "hot dog",
            "golden retriever")) {
      assertFalse(kept.contains(w), w + " survived the filter");
    }
    assertTrue(kept.contains("cat") && kept.contains("dogma"), "unrelated words stay");
  }

  @Test
  void shouldExcludeClassWordsSkipUnencodableWordsAndKeepTheTopK() {
    try (ClipModel clip = TinyModels.world(42)) {
      List<String> base = List.of("red circle", "blue square");
      List<String> candidates =
          List.of("red circles", "tree", "house", "cloud", "fish", "boat", "zebra", "kite", "cups");
      OutlierPool pool =
          OutlierPool.build(
              clip,
              candidates,
              new ClassNameFilter(List.of("red circle", "blue square", "cup")),
              base,
              "a photo of a {}.",
              4,
              3);
      assertEquals(new OutlierPool.Stats(9, 2, 1, 3), pool.stats(), "red circles, cups; zebra");
      assertEquals(3, pool.size());
      double[] s = pool.scores();
      assertTrue(s[0] >= s[1] && s[1] >= s[2], "best first");
      assertEquals(3, pool.zeroShotFeatures().length);
      float[] f = pool.zeroShotFeatures()[0];
      double norm = 0;
      for (float v : f) {
        norm += v * v;
      }
      assertEquals(1.0, norm, 1e-4, "cached features are normalised");
      // The kept words are the best-scoring usable ones: rebuilding with K = all ranks them first.
      OutlierPool all =
          OutlierPool.build(
              clip,
              candidates,
              new ClassNameFilter(List.of("red circle", "blue square", "cup")),
              base,
              "a photo of a {}.",
              4,
              100);
      assertEquals(all.words().subList(0, 3), pool.words());
      assertEquals(6, all.size());
    }
  }
}
