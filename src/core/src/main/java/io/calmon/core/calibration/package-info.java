/**
 * Calibration metrics for classifiers: ECE, ACE, MCE, classwise ECE, Brier, NLL, reliability
 * diagrams, bootstrap intervals, and the mergeable {@link
 * io.calmon.core.calibration.CalibrationSketch} the monitor keeps as state.
 *
 * <p>Conventions shared by every class here:
 *
 * <ul>
 *   <li>The prediction of a probability row is its argmax, the lowest index on ties; its confidence
 *       is that probability.
 *   <li>Equal-width bin {@code m} of {@code M} covers {@code (m/M, (m+1)/M]}; a confidence of
 *       exactly 0 goes to the first bin (see {@link io.calmon.core.calibration.EqualWidthBins}).
 *   <li>Every error is a fraction in [0, 1], not a percentage.
 * </ul>
 *
 * <p>Pure Java with no dependencies: no Kafka, no DJL, no Avro (the monitor keeps the sketch's
 * stored form).
 */
package io.calmon.core.calibration;
