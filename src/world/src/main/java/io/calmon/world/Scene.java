package io.calmon.world;

import java.util.List;
import java.util.Optional;

/**
 * A sampled scene description: everything the renderer draws and everything a caption may say.
 * Image and caption come from the same scene, so captions never describe what is not drawn.
 *
 * @param size image side in pixels
 * @param style how it is rendered
 * @param background what lies behind
 * @param objects one to a few identical-concept objects (same colour, shape, texture, size)
 * @param position where the single object sits; empty when there are several
 * @param clutter distractor objects, drawn behind the class objects
 * @param occluder what hides part of the objects, if anything
 * @param noiseStd per-pixel Gaussian noise, standard deviation in [0, 1] intensity units
 * @param noisy whether the noise is heavy enough for captions to call the image noisy
 * @param extraBlur additional blur in pixels (drift), 0 for none; not described by captions
 * @param detailSeed seed of the renderer's own randomness (strokes, speckles, tones)
 */
public record Scene(
    int size,
    Style style,
    Background background,
    List<SceneObject> objects,
    Optional<Position> position,
    List<ClutterItem> clutter,
    Optional<Occluder> occluder,
    double noiseStd,
    boolean noisy,
    double extraBlur,
    long detailSeed) {

  public Scene {
    if (objects.isEmpty()) {
      throw new IllegalArgumentException("a scene needs at least one object");
    }
    objects = List.copyOf(objects);
    clutter = List.copyOf(clutter);
  }

  /** The class of the scene: the colour and shape every object shares. */
  public WorldClass worldClass() {
    SceneObject first = objects.get(0);
    return new WorldClass(first.colour(), first.shape());
  }

  /** How many class objects are drawn. */
  public int count() {
    return objects.size();
  }

  /**
   * This scene with {@code noise} more pixel noise and {@code blur} more blur (drift that captions
   * do not describe: the noisy flag stays as sampled).
   */
  public Scene degraded(double noise, double blur) {
    return new Scene(
        size,
        style,
        background,
        objects,
        position,
        clutter,
        occluder,
        Math.hypot(noiseStd, noise),
        noisy,
        extraBlur + blur,
        detailSeed);
  }
}
