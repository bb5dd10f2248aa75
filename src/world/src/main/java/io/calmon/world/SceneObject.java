package io.calmon.world;

/**
 * One instance of the scene's class object, placed in pixels.
 *
 * @param colour the colour word (the class half that captions name)
 * @param shape the shape word (the other class half)
 * @param texture the fill pattern
 * @param size the size class the radius was drawn from
 * @param cx centre x in pixels
 * @param cy centre y in pixels
 * @param radius radius of the bounding circle in pixels
 * @param rotationDeg rotation in degrees, clockwise
 * @param rgb the colour actually painted: {@code colour} after jitter
 */
public record SceneObject(
    Colour colour,
    Shape shape,
    Texture texture,
    ObjectSize size,
    double cx,
    double cy,
    double radius,
    double rotationDeg,
    int rgb) {}
