package io.calmon.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class InputOffsetsTest {

  private static final TopicPartition IMAGES = new TopicPartition("image-events", 0);
  private static final TopicPartition LABELS = new TopicPartition("labels", 0);

  @Test
  void shouldCommitBelowTheOldestRecordStillNeededAndMarkHowFarItRead() {
    InputOffsets offsets = new InputOffsets();
    offsets.assigned(List.of(IMAGES, LABELS), Map.of());
    Map<TopicPartition, OffsetAndMetadata> c =
        offsets.toCommit(Map.of(IMAGES, 10L, LABELS, 7L), Map.of(IMAGES, 3L));
    assertEquals(3, c.get(IMAGES).offset());
    assertEquals(10, InputOffsets.processedThrough(c.get(IMAGES).metadata()));
    assertEquals(7, c.get(LABELS).offset());
    assertEquals(7, InputOffsets.processedThrough(c.get(LABELS).metadata()));
  }

  @Test
  void shouldTreatRecordsBelowTheMarkAsReplaysAfterARestart() {
    InputOffsets before = new InputOffsets();
    before.assigned(List.of(IMAGES), Map.of());
    Map<TopicPartition, OffsetAndMetadata> committed =
        before.toCommit(Map.of(IMAGES, 10L), Map.of(IMAGES, 3L));

    InputOffsets after = new InputOffsets();
    after.assigned(List.of(IMAGES), committed);
    assertTrue(after.isReplay(IMAGES, 3));
    assertTrue(after.isReplay(IMAGES, 9));
    assertFalse(after.isReplay(IMAGES, 10));
    assertTrue(after.heldTheOffset(IMAGES, 3), "the record that held the offset");
    assertFalse(after.heldTheOffset(IMAGES, 4));
    // Re-reading does not lower the mark: a commit in the middle of the replay keeps it.
    Map<TopicPartition, OffsetAndMetadata> again = after.toCommit(Map.of(IMAGES, 5L), Map.of());
    assertEquals(5, again.get(IMAGES).offset());
    assertEquals(10, InputOffsets.processedThrough(again.get(IMAGES).metadata()));
  }

  @Test
  void shouldReplayNothingFromACommitWithoutItsMark() {
    InputOffsets offsets = new InputOffsets();
    Map<TopicPartition, OffsetAndMetadata> found = new HashMap<>();
    found.put(IMAGES, new OffsetAndMetadata(5, "written by someone else"));
    found.put(LABELS, null);
    offsets.assigned(List.of(IMAGES, LABELS), found);
    assertFalse(offsets.isReplay(IMAGES, 5));
    assertFalse(offsets.heldTheOffset(IMAGES, 5));
    assertFalse(offsets.isReplay(LABELS, 0));
    assertEquals(0, InputOffsets.processedThrough("calmon-trainer processed-through=x"));
  }

  @Test
  void shouldForgetRevokedPartitions() {
    InputOffsets offsets = new InputOffsets();
    offsets.assigned(
        List.of(IMAGES), Map.of(IMAGES, new OffsetAndMetadata(2, InputOffsets.MARK + 8)));
    assertTrue(offsets.isReplay(IMAGES, 2));
    offsets.revoked(List.of(IMAGES));
    assertFalse(offsets.isReplay(IMAGES, 2));
  }
}
