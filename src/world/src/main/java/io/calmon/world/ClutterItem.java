package io.calmon.world;

/**
 * A small distractor object placed in pixels.
 *
 * @param kind what it is
 * @param cx centre x in pixels
 * @param cy centre y in pixels
 * @param radius radius in pixels
 * @param rotationDeg rotation in degrees
 */
public record ClutterItem(Clutter kind, double cx, double cy, double radius, double rotationDeg) {}
