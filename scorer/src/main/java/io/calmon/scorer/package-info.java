/** The scorer service: consumes image events and emits predictions with confidences. */
package io.calmon.scorer;
