package io.calmon.trainer.service;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets the trainer commits for its inputs (image events, labels, retrain requests), and
 * which records it reads again after a restart.
 *
 * <p>A record that still matters once read (an image or a label waiting for its other half, an
 * accepted retrain request whose version is not published yet) holds its partition's committed
 * offset at its own offset, so a restarted trainer reads it again: pending joins and accepted
 * requests survive a restart without being stored anywhere else. The commit's metadata keeps how
 * far the trainer had read ({@code processed-through}); a record below that mark is a <em>replay
 * </em>: it only refills the join (a pair of two replays was learned before the restart and is not
 * learned again), is not dead-lettered again, and a replayed request is handled again only if it is
 * the one that held the offset. The offsets go out in the same transaction as the state they fed,
 * so the mark and the reservoir always agree.
 *
 * <p>Not thread-safe: the trainer's polling thread only.
 */
final class InputOffsets {

  /** Prefix of the commit metadata; anything else (an older trainer's commit) means no replay. */
  static final String MARK = "calmon-trainer processed-through=";

  /** Per assigned partition: the committed offset found on assignment and the read mark. */
  private record Partition(long committed, long processedThrough) {}

  private final Map<TopicPartition, Partition> partitions = new HashMap<>();

  /**
   * Records the committed offsets of newly assigned partitions (null or missing: nothing committed
   * yet, nothing to replay).
   */
  void assigned(Collection<TopicPartition> assigned, Map<TopicPartition, OffsetAndMetadata> found) {
    for (TopicPartition tp : assigned) {
      OffsetAndMetadata c = found.get(tp);
      long committed = c == null ? 0 : c.offset();
      long mark = c == null ? 0 : Math.max(committed, processedThrough(c.metadata()));
      partitions.put(tp, new Partition(c == null ? -1 : committed, mark));
    }
  }

  void revoked(Collection<TopicPartition> revoked) {
    revoked.forEach(partitions::remove);
  }

  /** Whether the record was read and acted on before the last commit. */
  boolean isReplay(TopicPartition tp, long offset) {
    Partition p = partitions.get(tp);
    return p != null && offset < p.processedThrough();
  }

  /** Whether the record is a replay that held its partition's offset (an unfinished request). */
  boolean heldTheOffset(TopicPartition tp, long offset) {
    Partition p = partitions.get(tp);
    return p != null && offset == p.committed() && offset < p.processedThrough();
  }

  /**
   * The offsets to commit: each partition's position, or the oldest record on it that still matters
   * if that is lower; the metadata marks how far the trainer has read.
   *
   * @param positions the consumer's position per assigned partition (the next offset to read)
   * @param holds per partition, the offset of its oldest record still needed (absent: none)
   */
  Map<TopicPartition, OffsetAndMetadata> toCommit(
      Map<TopicPartition, Long> positions, Map<TopicPartition, Long> holds) {
    Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
    for (Map.Entry<TopicPartition, Long> e : positions.entrySet()) {
      TopicPartition tp = e.getKey();
      Partition p = partitions.get(tp);
      long mark = Math.max(e.getValue(), p == null ? 0 : p.processedThrough());
      long offset = Math.min(e.getValue(), holds.getOrDefault(tp, Long.MAX_VALUE));
      out.put(tp, new OffsetAndMetadata(offset, MARK + mark));
    }
    return out;
  }

  /** The read mark in a commit's metadata; 0 when it has none. */
  static long processedThrough(String metadata) {
    if (metadata == null || !metadata.startsWith(MARK)) {
      return 0;
    }
    try {
      return Long.parseLong(metadata.substring(MARK.length()));
    } catch (NumberFormatException e) {
      return 0; // not ours: read everything from the committed offset as new
    }
  }
}
