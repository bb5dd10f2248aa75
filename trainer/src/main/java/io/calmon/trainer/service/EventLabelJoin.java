package io.calmon.trainer.service;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Joins image events with their labels by event id, whichever arrives first. Each side waits in a
 * map bounded to {@code capacity} entries; when one is full the entry that has waited longest is
 * dropped (a label that never comes must not keep its image for ever). An id is joined at most once
 * while it is remembered; a duplicate of an already joined event waits like a new one.
 *
 * @param <I> the image side
 * @param <L> the label side
 */
final class EventLabelJoin<I, L> {

  /** An image with its label. */
  record Joined<I, L>(String eventId, I image, L label) {}

  private final int capacity;
  private final Map<String, I> images;
  private final Map<String, L> labels;
  private long evicted;

  /**
   * @param capacity entries each side may hold, at least 1
   */
  EventLabelJoin(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("pending capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.images = new LinkedHashMap<>();
    this.labels = new LinkedHashMap<>();
  }

  /** Adds an image; returns the pair if its label was waiting. */
  Optional<Joined<I, L>> image(String eventId, I image) {
    L label = labels.remove(eventId);
    if (label != null) {
      return Optional.of(new Joined<>(eventId, image, label));
    }
    put(images, eventId, image);
    return Optional.empty();
  }

  /**
   * Adds a label; returns the pair if its image was waiting. A newer label replaces a waiting one.
   */
  Optional<Joined<I, L>> label(String eventId, L label) {
    I image = images.remove(eventId);
    if (image != null) {
      return Optional.of(new Joined<>(eventId, image, label));
    }
    put(labels, eventId, label);
    return Optional.empty();
  }

  /** Images waiting for a label. */
  int pendingImages() {
    return images.size();
  }

  /** Labels waiting for an image. */
  int pendingLabels() {
    return labels.size();
  }

  /** The images waiting for a label, oldest first (a view). */
  Collection<I> waitingImages() {
    return Collections.unmodifiableCollection(images.values());
  }

  /** The labels waiting for an image, oldest first (a view). */
  Collection<L> waitingLabels() {
    return Collections.unmodifiableCollection(labels.values());
  }

  /** Entries dropped because a side was full. */
  long evicted() {
    return evicted;
  }

  private <V> void put(Map<String, V> map, String eventId, V value) {
    // Re-inserting moves the id to the young end: it has waited from its latest arrival.
    map.remove(eventId);
    map.put(eventId, value);
    if (map.size() > capacity) {
      map.remove(map.keySet().iterator().next());
      evicted++;
    }
  }
}
