package io.calmon.world;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a caption for a {@link Scene}, choosing among varied templates and mentioning each
 * optional attribute with probability {@link WorldConfig#captionDetail()}. The class (colour and
 * shape) is always named; the style is named in most captions, most often in the form {@code "a
 * <style> of <subject>"} that the hand-written prompt "a photo of a {}." also has.
 *
 * <p>Examples: "a sketch of a red circle.", "a noisy photo of two small blue squares on grass.", "a
 * tilted striped green star in the top left corner behind a fence, in a painting."
 */
public final class CaptionSampler {
  /** The hand-written prompt of the default task; its words are in the vocabulary. */
  public static final String DEFAULT_TEMPLATE = "a photo of a {}.";

  static final List<String> COUNT_WORDS = List.of("one", "two", "three", "four");
  static final String TILTED = "tilted";
  static final String NOISY = "noisy";
  static final List<String> CLUTTER_LINKS = List.of("with", "next to");
  static final List<String> STYLE_LINKS = List.of("of", "showing");

  /** Words that glue phrases together; in the vocabulary, never outliers. */
  static final List<String> FUNCTION_WORDS =
      List.of(
          "a", "an", "of", "showing", "with", "and", "next", "to", "in", "on", "the", "at", "front",
          "behind", "partly");

  private final double detail;

  public CaptionSampler(WorldConfig config) {
    this.detail = config.captionDetail();
  }

  /** A caption for {@code scene}; deterministic for a given random state. */
  public String caption(Scene scene, SplittableRandom rng) {
    String subject = subject(scene, rng);
    String style = pick(rng, scene.style().phrases());
    if (scene.noisy() && rng.nextDouble() < 0.8) {
      style = NOISY + " " + style;
    }

    List<String> modifiers = new ArrayList<>();
    if (scene.position().isPresent() && rng.nextDouble() < detail) {
      modifiers.add(pick(rng, scene.position().get().phrases()));
    }
    if (rng.nextDouble() < detail) {
      modifiers.add(pick(rng, scene.background().phrases()));
    }
    if (!scene.clutter().isEmpty() && rng.nextDouble() < detail) {
      StringBuilder c = new StringBuilder(pick(rng, CLUTTER_LINKS));
      for (int i = 0; i < scene.clutter().size(); i++) {
        String noun = scene.clutter().get(i).kind().word();
        c.append(i == 0 ? " " : " and ").append(withArticle(noun));
      }
      modifiers.add(c.toString());
    }
    if (scene.occluder().isPresent() && rng.nextDouble() < detail) {
      modifiers.add(pick(rng, scene.occluder().get().phrases()));
    }
    shuffle(modifiers, rng);
    String body = modifiers.isEmpty() ? subject : subject + " " + String.join(" ", modifiers);

    double form = rng.nextDouble();
    String caption;
    if (form < 0.55) {
      caption = withArticle(style) + " of " + body;
    } else if (form < 0.7) {
      caption = withArticle(style) + " " + pick(rng, STYLE_LINKS) + " " + body;
    } else if (form < 0.85) {
      caption = body + ", in " + withArticle(style);
    } else {
      caption = body; // no style word: the caption says only what is drawn
    }
    return caption + ".";
  }

  private String subject(Scene scene, SplittableRandom rng) {
    SceneObject o = scene.objects().get(0);
    List<String> words = new ArrayList<>();
    if (Math.abs(o.rotationDeg()) >= 20 && rng.nextDouble() < detail) {
      words.add(TILTED);
    }
    if (rng.nextDouble() < detail) {
      words.add(pick(rng, o.size().words()));
    }
    if (o.texture() != Texture.SOLID && rng.nextDouble() < detail + (1 - detail) / 2) {
      words.add(o.texture().word());
    }
    words.add(o.colour().word());
    int count = scene.count();
    if (count == 1) {
      words.add(o.shape().word());
      String phrase = String.join(" ", words);
      return rng.nextDouble() < 0.1 ? "one " + phrase : withArticle(phrase);
    }
    words.add(o.shape().plural());
    return COUNT_WORDS.get(count - 1) + " " + String.join(" ", words);
  }

  /** Prefixes "a" or "an" by the first letter. */
  static String withArticle(String phrase) {
    char c = phrase.charAt(0);
    return ("aeiou".indexOf(c) >= 0 ? "an " : "a ") + phrase;
  }

  private static String pick(SplittableRandom rng, List<String> options) {
    return options.get(rng.nextInt(options.size()));
  }

  private static void shuffle(List<String> list, SplittableRandom rng) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      String t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }
}
