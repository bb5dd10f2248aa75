package io.calmon.cli.demo;

import io.calmon.clip.ClipModel;
import io.calmon.clip.Similarity;
import io.calmon.clip.image.ImagePreprocessor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What the hand-written template alone (zero-shot CLIP, temperature 1) says about the demo's own
 * traffic: every image the traffic generator sends is encoded once, off the traffic thread, and
 * scored later against the class set its prediction was scored with, so the demo can put the
 * zero-shot reference beside each prompt version on the same events.
 */
final class ZeroShotReference implements AutoCloseable {
  /** Zero-shot's answer for one event. */
  record Scored(String predictedClass, double confidence) {}

  private final ClipModel clip;
  private final String template;
  private final ImagePreprocessor preprocessor;
  private final Map<String, float[]> imageFeatures = new ConcurrentHashMap<>();
  private final Map<List<String>, float[][]> textFeatures = new ConcurrentHashMap<>();
  private final ExecutorService encoder =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "calmon-demo-zero-shot");
            t.setDaemon(true);
            return t;
          });

  ZeroShotReference(ClipModel clip, String template) {
    this.clip = clip;
    this.template = template;
    this.preprocessor = new ImagePreprocessor(clip.config().vision().imageSize());
  }

  /** Encodes an event's image in the background; a corrupt image is simply never scored. */
  void add(String eventId, byte[] png) {
    encoder.execute(
        () -> {
          try {
            float[] pixels = preprocessor.preprocess(png);
            imageFeatures.put(eventId, clip.imageFeatures(List.of(pixels))[0]);
          } catch (RuntimeException e) {
            // the scorers dead-letter such an image; the reference leaves it out
          }
        });
  }

  /** Waits (at most {@code seconds}) for the images added so far to be encoded. */
  void awaitEncoded(long seconds) throws InterruptedException {
    encoder.submit(() -> {});
    encoder.shutdown();
    encoder.awaitTermination(seconds, TimeUnit.SECONDS);
  }

  /** Zero-shot's prediction for the event over {@code classNames}; null if it was not encoded. */
  Scored score(String eventId, List<String> classNames) {
    float[] image = imageFeatures.get(eventId);
    if (image == null || classNames.isEmpty()) {
      return null;
    }
    float[][] text =
        textFeatures.computeIfAbsent(
            List.copyOf(classNames),
            names ->
                clip.textFeatures(names.stream().map(c -> template.replace("{}", c)).toList()));
    float[] logits = clip.logits(new float[][] {image}, text)[0];
    return top(classNames, logits);
  }

  /** The most probable class of a softmax over {@code logits} and its probability. */
  static Scored top(List<String> classNames, float[] logits) {
    float[] p = Similarity.softmax(new float[][] {logits})[0];
    int best = 0;
    for (int k = 1; k < p.length; k++) {
      if (p[k] > p[best]) {
        best = k;
      }
    }
    return new Scored(classNames.get(best), p[best]);
  }

  @Override
  public void close() {
    encoder.shutdownNow();
  }
}
