package io.calmon.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VocabularyTest {
  private final Vocabulary vocabulary = Vocabulary.world();

  @Test
  void shouldContainEveryWordOfSampledCaptions() {
    WorldConfig everything =
        WorldConfig.builder()
            .optCaptionDetail(1)
            .optNoisyProbability(0.5)
            .optOccluderProbability(0.5)
            .optClutterProbability(1)
            .optMaxClutter(3)
            .build();
    for (WorldConfig config : List.of(WorldConfig.defaults(), everything)) {
      WorldPretrainingData data = new WorldPretrainingData(config, 3);
      java.util.stream.LongStream.range(0, 3000)
          .mapToObj(data::describe)
          .forEach(
              s -> {
                for (String w : Vocabulary.tokenize(s.caption())) {
                  assertTrue(vocabulary.contains(w), "'" + w + "' of: " + s.caption());
                }
              });
    }
  }

  @Test
  void shouldContainTheTemplateAndEveryClassName() {
    for (String w : Vocabulary.tokenize(CaptionSampler.DEFAULT_TEMPLATE.replace("{}", ""))) {
      assertTrue(vocabulary.contains(w), w);
    }
    for (Colour c : Colour.values()) {
      for (Shape s : Shape.values()) {
        for (String w : Vocabulary.tokenize(new WorldClass(c, s).name())) {
          assertTrue(vocabulary.contains(w), w);
        }
      }
    }
  }

  @Test
  void shouldTokenizeLikeTheWhitespacePreTokenizer() {
    assertEquals(
        List.of("a", "sketch", "of", "a", "red", "circle", ",", "on", "grass", "."),
        Vocabulary.tokenize("A sketch of a Red circle, on grass."));
  }

  @Test
  void shouldKeepClassWordsOutOfTheOutliers() {
    WorldTask task = WorldTask.defaultTask(4);
    Set<String> classWords = Vocabulary.classWords(task.classes());
    List<String> outliers = vocabulary.outliers(task.classes());
    for (String o : outliers) {
      for (String w : Vocabulary.tokenize(o)) {
        assertTrue(!classWords.contains(w), "outlier '" + o + "' holds class word '" + w + "'");
      }
    }
    assertTrue(outliers.contains("brick wall"), "phrases are outliers");
    assertTrue(outliers.contains("sketch"), "style words are outliers");
    assertTrue(!outliers.contains("of"), "function words are not");
  }

  @Test
  void shouldOfferFarMoreOutliersThanClassWords() {
    WorldTask task = WorldTask.defaultTask(4);
    int classWords = Vocabulary.classWords(task.classes()).size();
    int outliers = vocabulary.outliers(task.classes()).size();
    assertTrue(outliers > 5 * classWords, outliers + " outliers vs " + classWords + " class words");
  }
}
