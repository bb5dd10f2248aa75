/**
 * Training CLIP's own parameters: {@link io.calmon.clip.train.AdamW} (in-place, outside the
 * gradient collector) and {@link io.calmon.clip.train.CosineSchedule}. The loss and the data belong
 * to the caller (e.g. {@code io.calmon.pretrain.ContrastivePretrainer}).
 */
package io.calmon.clip.train;
