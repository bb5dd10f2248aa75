package io.calmon.monitor.topology;

import io.calmon.schemas.state.WindowCalibration;

/** A window aggregate on its way to a report: provisional (still open) or final (closed). */
record WindowUpdate(WindowCalibration window, boolean isFinal) {}
