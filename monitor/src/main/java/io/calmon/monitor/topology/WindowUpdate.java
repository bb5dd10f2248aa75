package io.calmon.monitor.topology;

import io.calmon.schemas.state.WindowCalibration;
import java.time.Instant;

/**
 * A merged window aggregate on its way to a report: provisional (still open) or final (closed).
 *
 * @param start the window's start
 * @param end the window's end (exclusive)
 */
record WindowUpdate(Instant start, Instant end, WindowCalibration window, boolean isFinal) {}
