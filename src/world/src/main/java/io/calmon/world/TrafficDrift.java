package io.calmon.world;

import java.util.List;
import java.util.Optional;

/**
 * How a {@link WorldTraffic} stream departs from the task's own distribution. {@link #none()} is
 * the task distribution itself.
 *
 * @param extraNoise additional pixel noise standard deviation, [0, 0.5]
 * @param extraBlur additional Gaussian blur in pixels, [0, 8]
 * @param backgrounds the backgrounds traffic is drawn on; empty means all, uniformly
 * @param newClassShare share of traffic from new classes in [0, 1]; empty means every class equally
 *     likely
 * @param style the style traffic is drawn in; empty means the task's style
 */
public record TrafficDrift(
    double extraNoise,
    double extraBlur,
    List<Background> backgrounds,
    Optional<Double> newClassShare,
    Optional<Style> style) {

  public TrafficDrift {
    if (!(extraNoise >= 0 && extraNoise <= 0.5)) {
      throw new IllegalArgumentException("extraNoise must be in [0, 0.5], got " + extraNoise);
    }
    if (!(extraBlur >= 0 && extraBlur <= 8)) {
      throw new IllegalArgumentException("extraBlur must be in [0, 8], got " + extraBlur);
    }
    backgrounds = List.copyOf(backgrounds);
    newClassShare.ifPresent(
        share -> {
          if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("newClassShare must be in [0, 1], got " + share);
          }
        });
  }

  /** No drift: the task's own distribution. */
  public static TrafficDrift none() {
    return new TrafficDrift(0, 0, List.of(), Optional.empty(), Optional.empty());
  }

  /** This drift with more noise and blur. */
  public TrafficDrift withDegradation(double noise, double blur) {
    return new TrafficDrift(noise, blur, backgrounds, newClassShare, style);
  }

  /** This drift with traffic drawn only on {@code only}. */
  public TrafficDrift withBackgrounds(List<Background> only) {
    return new TrafficDrift(extraNoise, extraBlur, only, newClassShare, style);
  }

  /** This drift with a share {@code share} of traffic from new classes. */
  public TrafficDrift withNewClassShare(double share) {
    return new TrafficDrift(extraNoise, extraBlur, backgrounds, Optional.of(share), style);
  }

  /** This drift with traffic drawn in {@code s}. */
  public TrafficDrift withStyle(Style s) {
    return new TrafficDrift(extraNoise, extraBlur, backgrounds, newClassShare, Optional.of(s));
  }
}
