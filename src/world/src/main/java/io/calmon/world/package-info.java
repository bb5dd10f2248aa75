/**
 * The procedural image world: a seeded generator of small RGB images of compositional concepts
 * (colour x shape, rendered in a style, on a background, with nuisances), the captions that
 * describe them, the word-level vocabulary and tokenizer a tiny CLIP learns them with, and the
 * export of a base-to-new classification task in CoOp's dataset format.
 *
 * <p>Entry points: {@link io.calmon.world.WorldPretrainingData} (image-caption pairs for
 * contrastive pretraining), {@link io.calmon.world.WorldTask} and {@link
 * io.calmon.world.TaskExporter} (a downstream task), {@link io.calmon.world.WorldTraffic} (a
 * drifting stream of labelled images for the demo), {@link io.calmon.world.Vocabulary} and {@link
 * io.calmon.world.TokenizerJson} (the words). Pure Java2D, no DJL, no Kafka.
 */
package io.calmon.world;
