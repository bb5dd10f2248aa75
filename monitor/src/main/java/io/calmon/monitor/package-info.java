/** The Kafka Streams monitor: rolling calibration per base and new classes, alerts, retraining. */
package io.calmon.monitor;
