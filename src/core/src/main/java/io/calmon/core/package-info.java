/** Pure calibration math: metrics, reliability bins and mergeable sketches; no Kafka, no DJL. */
package io.calmon.core;
